/**
 * New work announces itself without stealing focus: a desktop notification (when the window is
 * not in front) and, if the agent turned it on in Settings, a short sound. Offers and messages
 * from a supervisor and mentions in colleagues' notes ("@Ana") use it.
 */
import { keys, queryClient } from '../api/queries';
import { platform, type NotifyOptions } from './platform';

export const SOUND_SETTING = 'notify.sound';

let audio: AudioContext | null = null;
/** Two soft notes from the Web Audio API: no sound file to ship or load. */
function chime(): void {
  try {
    audio ??= new AudioContext();
    const t = audio.currentTime;
    for (const [i, f] of [660, 880].entries()) {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.frequency.value = f;
      gain.gain.setValueAtTime(0.0001, t + i * 0.12);
      gain.gain.exponentialRampToValueAtTime(0.08, t + i * 0.12 + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, t + i * 0.12 + 0.25);
      osc.connect(gain).connect(audio.destination);
      osc.start(t + i * 0.12);
      osc.stop(t + i * 0.12 + 0.3);
    }
  } catch {
    // no audio device (a server, a locked-down desktop): the notification and the tray still say it
  }
}

export function notifyAgent(n: NotifyOptions): void {
  platform.notify(n);
  if (queryClient.getQueryData(keys.setting(SOUND_SETTING)) === true) chime();
}
