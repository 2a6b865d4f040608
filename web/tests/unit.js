#!/usr/bin/env node
// Unit tests of the console's pure logic (no browser): zone states from alert-log
// events and the i18n dictionaries. Exit status 1 on the first failure.

import assert from 'node:assert/strict';
import * as zs from '../src/zonestate.js';
import { dictionaries } from '../src/i18n.js';
import { countdown } from '../src/format.js';

const cases = [];
const test = (name, fn) => cases.push([name, fn]);
const T = 1757203400;

test('start puts a zone under alert with its expected arrival', () => {
  zs.applyEvent({ event: 'start', alert: 'A-1', zone: 'Z1', time: T, threats: ['trk-1'], category: 'drone', expected_s: 300 }, { record: false });
  assert.equal(zs.stateOf('Z1', T + 1), 'alert');
  assert.equal(zs.activeAlert('Z1').expected_at, T + 300);
});

test('a pre-alert never hides an open alert', () => {
  zs.applyEvent({ event: 'prestart', alert: 'P-1', zone: 'Z1', time: T + 5, category: 'drone' }, { record: false });
  assert.equal(zs.stateOf('Z1', T + 6), 'alert');
  assert.equal(zs.activeAlert('Z1').alert, 'A-1');
});

test('an end for another alert id leaves the zone alone', () => {
  zs.applyEvent({ event: 'end', alert: 'A-999', zone: 'Z1', time: T + 10, reason: 'operator' }, { record: false });
  assert.equal(zs.stateOf('Z1', T + 11), 'alert');
});

test('end -> recently cleared, then quiet after 10 minutes', () => {
  zs.applyEvent({ event: 'end', alert: 'A-1', zone: 'Z1', time: T + 20, reason: 'threat_passed' }, { record: false });
  assert.equal(zs.stateOf('Z1', T + 21), 'cleared');
  assert.equal(zs.stateOf('Z1', T + 20 + zs.CLEARED_S + 1), 'quiet');
});

test('pre-alert start and end', () => {
  zs.applyEvent({ event: 'prestart', alert: 'P-2', zone: 'Z2', time: T, category: 'cruise_missile' }, { record: false });
  assert.equal(zs.stateOf('Z2', T + 1), 'prealert');
  zs.applyEvent({ event: 'preend', alert: 'P-2', zone: 'Z2', time: T + 30, reason: 'threat_passed' }, { record: false });
  assert.equal(zs.stateOf('Z2', T + 31), 'quiet'); // a pre-alert's end is not an all-clear
});

test('unknown event kinds are skipped', () => {
  assert.equal(zs.applyEvent({ event: 'update', alert: 'A-3', zone: 'Z3', time: T }, { record: false }), false);
  assert.equal(zs.stateOf('Z3', T), 'quiet');
});

test('reconcile replaces open alerts with the server list', () => {
  zs.reconcile([{ alert: 'A-7', zone: 'Z7', kind: 'alert', started: T, category: 'rocket', threats: [], expected_at: null, manual: true }]);
  assert.equal(zs.stateOf('Z7', T), 'alert');
  assert.equal(zs.activeAlert('Z7').manual, true);
  assert.deepEqual(zs.activeAlerts().map((a) => a.zone), ['Z7']);
});

test('every English UI string has a Ukrainian one and placeholders match', () => {
  for (const [k, en] of Object.entries(dictionaries.en)) {
    assert.ok(k in dictionaries.uk, `uk lacks ${k}`);
    const ph = (s) => (s.match(/\{\w+\}/g) || []).sort().join();
    assert.equal(ph(dictionaries.uk[k]), ph(en), `placeholders of ${k}`);
  }
});

test('countdown format', () => {
  assert.equal(countdown(65), '1:05');
  assert.equal(countdown(3725), '1:02:05');
  assert.equal(countdown(-3), '0:00');
});

let failed = 0;
for (const [name, fn] of cases) {
  try { fn(); console.log(`[unit] PASS ${name}`); } catch (e) { failed++; console.log(`[unit] FAIL ${name}: ${e.message}`); }
}
console.log(`[unit] ${cases.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
