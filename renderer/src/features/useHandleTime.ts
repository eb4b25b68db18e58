/**
 * Handle time: while a conversation is open, tells the desktop core whether the agent is active on
 * it (window focused and visible, and a key, pointer, wheel or scroll within the last minute). The
 * core counts the time and syncs it (main/core/handle-time.ts); this only reports what it sees.
 */
import { useEffect } from 'react';
import { signal } from '../api/mutations';

const BEAT_MS = 15_000; // a sign while active, so reading without input still counts
const IDLE_MS = 60_000; // a minute without input: no longer active
const INPUT_EVERY_MS = 5_000; // input tells the core at most this often

const INPUT_EVENTS = ['keydown', 'pointerdown', 'pointermove', 'wheel', 'scroll', 'input'] as const;

export function useHandleTime(conversationId: string | null): void {
  useEffect(() => {
    if (!conversationId) return;
    let lastInput = Date.now(); // opening it is the first sign
    let lastSent = 0;
    let active = false;
    const visible = () => document.visibilityState === 'visible' && document.hasFocus();
    const send = (on: boolean) => {
      active = on;
      lastSent = Date.now();
      signal('activity.report', { conversation_id: conversationId, active: on });
    };
    const check = () => {
      if (visible() && Date.now() - lastInput < IDLE_MS) send(true);
      else if (active) send(false);
    };
    const onInput = () => {
      lastInput = Date.now();
      if (!active || Date.now() - lastSent >= INPUT_EVERY_MS) check();
    };
    const onAway = () => { if (active) send(false); };
    const onVisibility = () => (document.visibilityState === 'visible' ? onInput() : onAway());
    check();
    const timer = setInterval(check, BEAT_MS);
    for (const e of INPUT_EVENTS) document.addEventListener(e, onInput, { capture: true, passive: true });
    window.addEventListener('focus', onInput);
    window.addEventListener('blur', onAway);
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      clearInterval(timer);
      for (const e of INPUT_EVENTS) document.removeEventListener(e, onInput, { capture: true });
      window.removeEventListener('focus', onInput);
      window.removeEventListener('blur', onAway);
      document.removeEventListener('visibilitychange', onVisibility);
      if (active) send(false);
    };
  }, [conversationId]);
}
