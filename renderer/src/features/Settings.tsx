/** Settings: the keymap (press a new shortcut; refused when unsafe or taken; yours on every desktop), canned responses (a pointer to their screen), and About. */
import { useState } from 'react';
import type { CannedItem } from '../../../shared/contract/admin';
import { useCannedList } from '../api/canned';
import { openAdmin } from '../app/actions';
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

/** The team's canned responses and the agent's own (hub; the core's cache when offline). */
export function useCanned(): CannedItem[] {
  return useCannedList().data?.canned ?? [];
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

/** Canned responses live on the hub now: the screen that changes them, one key away. */
function CannedPointer() {
  const canned = useCanned();
  return (
    <section aria-label="Canned responses">
      <h3>Canned responses</h3>
      <p className="muted">Type ;shortcode in the composer. {canned.length} available: the team&apos;s and your own, on every desktop you sign in on.</p>
      <button type="button" onClick={() => { useUi.getState().open(null); openAdmin('canned'); }}>Edit canned responses</button>
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
      <CannedPointer />
      <AboutSection />
      <div className="dialog-actions"><button onClick={close}>Close</button></div>
    </Dialog>
  );
}
