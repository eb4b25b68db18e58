/** Settings: the keymap (press a new shortcut; refused when unsafe or taken), canned responses, and About. */
import { useState } from 'react';
import { CannedResponsesSchema, DEFAULT_CANNED, type CannedResponse } from '../../../shared/text/canned';
import { saveSetting, useSetting } from '../api/queries';
import { isMac } from '../app/format';
import { COMMANDS, comboFromEvent, effectiveKeys, formatCombo, remap, resetKey, type CommandId } from '../app/keymap';
import { useKeymap } from '../app/useHotkeys';
import { SOUND_SETTING } from '../app/notify';
import { platform } from '../app/platform';
import { setTheme, useThemeChoice, type ThemeChoice } from '../app/theme';
import { useUi } from '../app/store';
import { Dialog } from '../components/Dialog';
import { AboutSection } from './About';

export function useCanned(): CannedResponse[] {
  const { value } = useSetting<unknown>('canned.responses', null);
  const parsed = CannedResponsesSchema.safeParse(value);
  return parsed.success ? parsed.data : DEFAULT_CANNED;
}

function KeymapEditor() {
  const overrides = useKeymap();
  const [recording, setRecording] = useState<CommandId | null>(null);
  const [message, setMessage] = useState('');
  const onRecordKey = (id: CommandId) => (e: React.KeyboardEvent) => {
    if (e.key === 'Tab') return;
    e.preventDefault();
    e.stopPropagation();
    if (e.key === 'Escape') { setRecording(null); setMessage('Unchanged'); return; }
    const combo = comboFromEvent(e.nativeEvent, isMac);
    if (!combo) return;
    const r = remap(overrides, id, combo);
    setRecording(null);
    if (r.error) { setMessage(r.error); return; }
    void saveSetting('keymap', r.overrides);
    setMessage(`${COMMANDS.find((c) => c.id === id)!.label}: ${formatCombo(combo, isMac)}`);
  };
  return (
    <section aria-label="Keyboard shortcuts">
      <h3>Keyboard shortcuts</h3>
      <p className="muted">Choose Change, then press the new shortcut (Esc cancels). Alt/Option+letter is refused: it types letters on many layouts.</p>
      <p role="status" className="status-line">{message}</p>
      <table className="keymap">
        <tbody>
          {COMMANDS.filter((c) => !c.composerOnly).map((c) => (
            <tr key={c.id}>
              <th scope="row">{c.label}</th>
              <td><kbd>{effectiveKeys(c.id, overrides).map((k) => formatCombo(k, isMac)).join(' or ')}</kbd></td>
              <td>
                {recording === c.id
                  ? <button autoFocus aria-label={`Press the new shortcut for ${c.label}`} onKeyDown={onRecordKey(c.id)} onBlur={() => setRecording(null)}>Press a key…</button>
                  : <button aria-label={`Change shortcut for ${c.label}`} onClick={() => setRecording(c.id)}>Change</button>}
                {overrides[c.id] && <button aria-label={`Reset shortcut for ${c.label}`} onClick={() => { void saveSetting('keymap', resetKey(overrides, c.id)); setMessage(`${c.label}: default`); }}>Reset</button>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function CannedEditor() {
  const canned = useCanned();
  const [draft, setDraft] = useState<CannedResponse>({ shortcode: '', title: '', text: '' });
  const [message, setMessage] = useState('');
  const save = (next: CannedResponse[]) => {
    const r = CannedResponsesSchema.safeParse(next);
    if (!r.success) { setMessage(r.error.issues[0]!.message); return false; }
    void saveSetting('canned.responses', r.data);
    return true;
  };
  return (
    <section aria-label="Canned responses">
      <h3>Canned responses</h3>
      <p className="muted">Type ;shortcode in the composer. Variables: {'{{customer.first_name}}, {{customer.name}}, {{customer.handle}}, {{agent.name}}, {{agent.first_name}}, {{agent.initials}}'}</p>
      <ul className="canned-list">
        {canned.map((c) => (
          <li key={c.shortcode}>
            <strong>;{c.shortcode}</strong> {c.title} <span className="muted">{c.text}</span>{' '}
            <button aria-label={`Delete canned response ${c.shortcode}`} onClick={() => save(canned.filter((x) => x.shortcode !== c.shortcode))}>Delete</button>
          </li>
        ))}
      </ul>
      <form className="canned-form" onSubmit={(e) => {
        e.preventDefault();
        if (canned.some((c) => c.shortcode === draft.shortcode)) { setMessage(`;${draft.shortcode} exists already`); return; }
        if (save([...canned, draft])) { setDraft({ shortcode: '', title: '', text: '' }); setMessage(`Added ;${draft.shortcode}`); }
      }}>
        <input aria-label="Shortcode" placeholder="shortcode" value={draft.shortcode} onChange={(e) => setDraft({ ...draft, shortcode: e.target.value })} />
        <input aria-label="Title" placeholder="Title" value={draft.title} onChange={(e) => setDraft({ ...draft, title: e.target.value })} />
        <textarea aria-label="Text" placeholder="Hi {{customer.first_name}}, …" value={draft.text} onChange={(e) => setDraft({ ...draft, text: e.target.value })} />
        <button type="submit">Add canned response</button>
        <button type="button" onClick={() => { if (save(DEFAULT_CANNED)) setMessage('Defaults restored'); }}>Restore defaults</button>
      </form>
      <p role="status" className="status-line">{message}</p>
    </section>
  );
}

/** Theme (system, light, dark) and how new work announces itself. */
function Appearance() {
  const theme = useThemeChoice();
  const { value: sound } = useSetting<boolean>(SOUND_SETTING, false);
  const choices: Array<[ThemeChoice, string]> = [['system', 'Follow the system'], ['light', 'Light'], ['dark', 'Dark']];
  return (
    <section aria-label="Appearance and notifications">
      <h3>Appearance and notifications</h3>
      <fieldset className="theme-choice">
        <legend className="sr-only">Theme</legend>
        {choices.map(([id, label]) => (
          <label key={id}><input type="radio" name="theme" value={id} checked={theme === id} onChange={() => void setTheme(id)} /> {label}</label>
        ))}
      </fieldset>
      <p className="theme-choice">
        <label><input type="checkbox" checked={sound} onChange={(e) => { void saveSetting(SOUND_SETTING, e.target.checked); platform.askPermission(); }} /> A sound for new offers and messages</label>
        <button type="button" onClick={() => platform.askPermission()}>Allow desktop notifications</button>
      </p>
    </section>
  );
}

export function SettingsDialog() {
  const close = () => useUi.getState().open(null);
  return (
    <Dialog label="Settings" onClose={close} wide>
      <h2 tabIndex={-1} data-autofocus>Settings</h2>
      <Appearance />
      <KeymapEditor />
      <CannedEditor />
      <AboutSection />
      <div className="dialog-actions"><button onClick={close}>Close</button></div>
    </Dialog>
  );
}
