/** The composer's small pieces: props only. */
import { AlertTriangle } from 'lucide-react';
import type { ReactNode } from 'react';
import { expandCanned, type CannedContext, type CannedResponse } from '../../../../shared/text/canned';
import { Dialog } from '../../components/Dialog';
import type { SaveState } from './useDraftAutosave';

export function CannedSuggestions({ items, current, ctx, onPick }: { items: CannedResponse[]; current: number; ctx: CannedContext; onPick(item: CannedResponse): void }) {
  if (items.length === 0) return null;
  return (
    <ul id="canned-suggestions" role="listbox" aria-label="Canned responses" className="suggestions">
      {items.map((s, i) => (
        <li key={s.shortcode} id={`canned-${s.shortcode}`} role="option" aria-selected={i === current}
          onMouseDown={(e) => { e.preventDefault(); onPick(s); }}>
          <strong>;{s.shortcode}</strong> {s.title} <span className="muted">{expandCanned(s.text, ctx).slice(0, 60)}…</span>
        </li>
      ))}
    </ul>
  );
}

/** Draft state, the live personal-data warning, an error, and the collision warning, under the field. */
export function ComposerStatus(props: { saved: SaveState; hasText: boolean; warning: string | null; error: string | null; collision: ReactNode }) {
  return (
    <div id="composer-status" className="composer-status">
      <span className="muted draft-state" role="status" aria-label="Draft state">{props.saved === 'saved' && props.hasText ? 'Draft saved' : props.saved === 'saving' ? 'Saving draft…' : ''}</span>
      {props.warning && <span className="warn" role="status"><AlertTriangle size={13} aria-hidden="true" className="icon-inline" /> {props.warning}</span>}
      {props.error && <span className="error" role="alert">{props.error}</span>}
      {props.collision}
    </div>
  );
}

export function PersonalDataConfirm(props: { warning: string; onEdit(): void; onPrivate(): void; onPostAnyway(): void }) {
  return (
    <Dialog label="Personal data in a public reply" role="alertdialog" describedBy="pii-warning" onClose={props.onEdit}>
      <h2>Post personal data in public?</h2>
      <p id="pii-warning">{props.warning} Consider a private message instead.</p>
      <div className="dialog-actions">
        <button data-autofocus onClick={props.onEdit}>Edit reply</button>
        <button onClick={props.onPrivate}>Make it private</button>
        <button className="danger" onClick={props.onPostAnyway}>Post publicly anyway</button>
      </div>
    </Dialog>
  );
}
