/**
 * The platform of `npm run bench:webhook`: sends the signed deliveries it is given at a fixed rate,
 * open loop (sends go out on schedule whatever the answers do, so queueing shows), with keep-alive
 * fetch. It runs in its own process so the hub's CPU figure is the hub's alone (issue 17: sender
 * excluded). Driven over IPC: {target, payloadsFile, rate, skip, inFlight} → {latencies, sentAt, errors, firstError, wall, cpu_ms}.
 * With inFlight > 0 it sends closed loop instead: at most that many deliveries unanswered, the next as soon as
 * one is answered (the rate is then what the hub gives; nothing is refused for being late, so the CPU per post
 * does not depend on how busy the machine is).
 */
import { readFileSync } from 'node:fs';

process.once('message', async ({ target, payloadsFile, rate, skip, inFlight }) => {
  const { payloads, signatures } = JSON.parse(readFileSync(payloadsFile, 'utf8'));
  const latencies = []; const sentAt = []; let errors = 0; let firstError = null;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now() + 50;
  const sends = [];
  const send = (i) => {
    const start = performance.now();
    return fetch(target, { method: 'POST', body: payloads[i], headers: { 'content-type': 'application/json', 'x-twitter-webhooks-signature': signatures[i] } })
      .then(async (res) => {
        const text = await res.text();
        if (res.status !== 200) { errors++; firstError = firstError || (res.status + ' ' + text.slice(0, 200)); return; }
        if (i >= skip) { latencies.push(performance.now() - start); sentAt.push(start - t0); }
      }, (err) => { errors++; firstError = firstError || String(err); });
  };
  if (inFlight > 0) {
    let next = 0;
    const loop = async () => { while (next < payloads.length) await send(next++); };
    for (let k = 0; k < inFlight; k++) sends.push(loop());
  } else {
    for (let i = 0; i < payloads.length; i++) {
      const wait = t0 + (i * 1000) / rate - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      sends.push(send(i));
    }
  }
  await Promise.all(sends);
  const cpu = process.cpuUsage(cpu0);
  process.send({ latencies, sentAt, errors, firstError, wall: (performance.now() - t0) / 1000, cpu_ms: (cpu.user + cpu.system) / 1000 }, () => process.exit(0));
});
