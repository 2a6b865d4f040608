// Server ("scenario") time as seen from the browser. The demo plays scenarios faster
// than real time, so both the offset and the rate are estimated from the server's
// timestamps (each /api/tracks poll carries "time").

let baseServer = null; // server seconds at baseLocal
let baseLocal = 0; // performance.now() ms
let rate = 1; // server seconds per local second

export function observeServerTime(serverSeconds) {
  const local = performance.now();
  if (baseServer !== null) {
    const dl = (local - baseLocal) / 1000;
    if (dl > 0.3) {
      const r = (serverSeconds - baseServer) / dl;
      if (r > 0.05 && r < 1000) rate = rate * 0.7 + r * 0.3;
    }
  }
  baseServer = serverSeconds;
  baseLocal = local;
}

export function serverNow() {
  if (baseServer === null) return Date.now() / 1000;
  return baseServer + ((performance.now() - baseLocal) / 1000) * rate;
}

export function clockRate() { return rate; }
