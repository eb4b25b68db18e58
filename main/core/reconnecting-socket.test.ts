/**
 * The desktop's one socket to the hub, against a real WebSocket server that goes away and comes
 * back on the same port: a failed attempt while down is reported (so the engine can check the hub
 * over HTTP and show Offline), and nudge() reconnects at once instead of sitting out the backoff.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { ReconnectingSocket } from './reconnecting-socket';

let server: Server | null = null;
let wss: WebSocketServer | null = null;
let socket: ReconnectingSocket | null = null;
afterEach(async () => {
  socket?.stop();
  await stopServer();
});

async function startServer(port = 0): Promise<number> {
  server = createServer();
  wss = new WebSocketServer({ server });
  await new Promise<void>((resolve, reject) => { server!.once('error', reject); server!.listen(port, '127.0.0.1', resolve); });
  return (server.address() as AddressInfo).port;
}
async function stopServer(): Promise<void> {
  const s = server;
  server = null;
  if (!s) return;
  for (const client of wss!.clients) client.terminate(); // as a killed hub's sockets do
  wss!.close();
  s.closeAllConnections();
  await new Promise<void>((resolve) => s.close(() => resolve()));
}
const until = async (check: () => boolean): Promise<void> => { while (!check()) await new Promise((r) => setTimeout(r, 10)); };

it('reports each attempt that fails while down, and reconnects at once when nudged, whatever the backoff', async () => {
  const port = await startServer();
  await stopServer(); // the hub is down: its port refuses
  const states: boolean[] = [];
  let failed = 0;
  socket = new ReconnectingSocket({
    url: async () => `ws://127.0.0.1:${port}/`,
    onMessage: () => {},
    onState: (up) => states.push(up),
    onAttemptFailed: () => { failed++; },
    // a backoff far longer than the test: only a nudge can bring it back in time
    backoffBaseMs: 600_000, backoffMaxMs: 600_000,
  });
  await until(() => failed === 1);
  expect(states).toEqual([]); // it was never up: no state change, only the failed attempt

  await startServer(port); // the hub is back
  socket.nudge();
  await until(() => socket!.up);
  expect(states).toEqual([true]);

  // a close after being up is a state change, not a failed attempt
  await stopServer();
  await until(() => !socket!.up);
  expect(states).toEqual([true, false]);
  expect(failed).toBe(1);
});

it('a nudge while connected, or while an attempt is under way, opens no second socket', async () => {
  const port = await startServer();
  let opens = 0;
  socket = new ReconnectingSocket({
    url: async () => `ws://127.0.0.1:${port}/`,
    onMessage: () => {},
    onState: () => {},
    onOpen: () => { opens++; },
    backoffBaseMs: 10, backoffMaxMs: 10,
  });
  socket.nudge(); // the first attempt is under way
  await until(() => socket!.up);
  socket.nudge();
  socket.nudge();
  await new Promise((r) => setTimeout(r, 100));
  expect(opens).toBe(1);
});
