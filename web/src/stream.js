// The SSE alert stream (GET /api/stream) with reconnection and exponential backoff
// (1 s doubling to 30 s). onStatus({connected, retryAt}) drives the connection banner;
// onEvent(alertLogEvent, receivedAtMs) gets every `event: alert`.

export function connectStream({ url = '/api/stream', onEvent, onStatus }) {
  let es = null;
  let delay = 1;
  let everConnected = false;
  let down = false;

  function open() {
    es = new EventSource(url);
    es.onopen = () => {
      delay = 1;
      const reconnected = down && everConnected;
      down = false; everConnected = true;
      onStatus({ connected: true, reconnected });
    };
    es.addEventListener('alert', (m) => {
      const at = Date.now();
      let e;
      try { e = JSON.parse(m.data); } catch { console.warn('alert event with bad JSON', m.data); return; }
      onEvent(e, at);
    });
    es.onerror = () => {
      es.close();
      down = true;
      const retryAt = Date.now() + delay * 1000;
      onStatus({ connected: false, retryAt });
      setTimeout(open, delay * 1000);
      delay = Math.min(30, delay * 2);
    };
  }
  open();
  return { close: () => es && es.close() };
}
