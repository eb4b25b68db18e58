/**
 * Pieces every admin screen uses: the screen's frame (title, what it is, its keys), a labelled
 * field, a form dialog that saves on Enter / Ctrl+Enter and shows the hub's reason when refused,
 * and the parsers of the short "key level" lists (languages, skills, capacity) typed in one field.
 */
import { useEffect, useId, useRef, type ReactNode } from 'react';
import { useUi } from '../../app/store';
import type { ApiError } from '../../api/client';
import { Dialog } from '../../components/Dialog';

/**
 * A screen: its title, what it is for, its keys, and the keys that act without a selection
 * (`onKey`, e.g. n for new), which reach it from anywhere inside unless a field has the focus.
 */
export function Screen(props: { title: string; intro: ReactNode; keys: string; actions?: ReactNode; children: ReactNode; onKey?(key: string): boolean; ready: boolean }) {
  const ref = useRef<HTMLElement>(null);
  const wanted = useUi((s) => s.adminFocus);
  // arriving from the palette (or Enter in the screen list): the keyboard lands in this screen's list once it is shown
  useEffect(() => {
    if (!wanted || !props.ready) return;
    let timer = 0;
    const land = () => {
      // a modal dialog open meanwhile (the presence question right after sign-in) keeps the keyboard: land once it closes
      if (document.querySelector('[role="dialog"][aria-modal="true"]')) { timer = window.setTimeout(land, 100); return; }
      const target = ref.current?.querySelector<HTMLElement>('[role="listbox"], [data-screen-focus]');
      if (!target) return;
      target.focus();
      useUi.getState().set({ adminFocus: false });
    };
    land();
    return () => window.clearTimeout(timer);
  }, [wanted, props.ready]);
  const onKeyDown = (e: React.KeyboardEvent) => {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || !props.onKey) return;
    const t = e.target as HTMLElement;
    if (t.closest('input, textarea, select, [role="dialog"]')) return;
    if (props.onKey(e.key)) e.preventDefault();
  };
  return (
    <section className="admin-screen" aria-label={props.title} onKeyDown={onKeyDown} ref={ref}>
      <header className="admin-screen-head">
        <h2>{props.title}</h2>
        {props.actions && <div className="admin-actions">{props.actions}</div>}
      </header>
      <p className="muted admin-intro">{props.intro}</p>
      <p className="muted admin-keys">{props.keys}</p>
      {props.children}
    </section>
  );
}

export function Field(props: { label: string; hint?: ReactNode; error?: string | null; children: (id: string, describedBy: string | undefined) => ReactNode }) {
  const id = useId();
  const hintId = props.hint || props.error ? `${id}-hint` : undefined;
  return (
    <div className="admin-field">
      <label htmlFor={id}>{props.label}</label>
      {props.children(id, hintId)}
      {(props.hint || props.error) && <span id={hintId} className={props.error ? 'error' : 'muted'}>{props.error ?? props.hint}</span>}
    </div>
  );
}

/** A dialog holding a form: Enter in a one-line field or Ctrl/Cmd+Enter anywhere saves; Esc cancels; a refusal stays on screen with the input. */
export function FormDialog(props: {
  label: string; submit: string; onSubmit(): void; onClose(): void; busy?: boolean; error?: ApiError | string | null; children: ReactNode; wide?: boolean; danger?: boolean;
  /** a confirmation with nothing to fill in: the keyboard starts on the submit button, so Enter confirms */
  focusSubmit?: boolean;
}) {
  const error = typeof props.error === 'string' ? props.error : props.error?.message ?? null;
  return (
    <Dialog label={props.label} onClose={props.onClose} wide={props.wide}>
      <form className="admin-form" onSubmit={(e) => { e.preventDefault(); if (!props.busy) props.onSubmit(); }}
        onKeyDown={(e) => { if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); if (!props.busy) props.onSubmit(); } }}>
        <h2>{props.label}</h2>
        {props.children}
        {error && <p className="error" role="alert">{error}</p>}
        <div className="dialog-actions">
          <button type="button" onClick={props.onClose}>Cancel</button>
          <button type="submit" className={props.danger ? 'danger' : 'primary'} disabled={props.busy} data-autofocus={props.focusSubmit || undefined}>{props.busy ? 'Saving…' : props.submit}</button>
        </div>
      </form>
    </Dialog>
  );
}

/** "en 9, pl 6" ⇄ { en: 9, pl: 6 }: a short list of keys with whole-number levels, typed in one field. */
export function formatLevels(r: Record<string, number>): string {
  return Object.entries(r).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k} ${v}`).join(', ');
}

export function parseLevels(text: string, what: { key: RegExp; keyHint: string; min: number; max: number }): { value: Record<string, number> } | { error: string } {
  const out: Record<string, number> = {};
  for (const part of text.split(/[,;\n]/).map((p) => p.trim()).filter(Boolean)) {
    const m = /^(\S+?)\s*(?:[:=]\s*|\s+)(\d+)$/.exec(part) ?? /^(\S+)$/.exec(part);
    if (!m) return { error: `"${part}": write a name and a number, such as ${what.keyHint}` };
    const key = m[1]!;
    const level = m[2] === undefined ? NaN : Number(m[2]);
    if (!what.key.test(key)) return { error: `"${key}" is not a valid name here (such as ${what.keyHint})` };
    if (!Number.isInteger(level)) return { error: `"${part}": give a number, such as ${what.keyHint}` };
    if (level < what.min || level > what.max) return { error: `"${part}": the number is from ${what.min} to ${what.max}` };
    if (key in out) return { error: `"${key}" is given twice` };
    out[key] = level;
  }
  return { value: out };
}

export const LANGUAGES = { key: /^[a-z]{2,3}$/, keyHint: 'en 9, pl 6', min: 1, max: 10 };
export const SKILLS = { key: /^[a-z0-9_.-]+(:[a-z0-9_.-]+)?$/i, keyHint: 'topic:billing 7, tier:vip 5', min: 1, max: 10 };
export const CAPACITY = { key: /^(\*|[a-z]+)$/, keyHint: 'x 4, facebook 3, * 2', min: 0, max: 1000 };
