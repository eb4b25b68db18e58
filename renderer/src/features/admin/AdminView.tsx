/**
 * Administration (supervisors and admins; agents see their canned responses): the screens of features/admin next to a list of them.
 * Reached from the palette ("Administration", or a screen by name). Keyboard: in the screen list
 * j/k or arrows change the screen and Enter (or Tab) goes into it; Esc in a screen goes back to the list.
 */
import { useRef } from 'react';
import { useSession } from '../../api/queries';
import { useUi, type AdminScreen } from '../../app/store';
import { People } from './People';
import { screensFor } from './screens';
import { Sla } from './Sla';
import { Audit } from './Audit';
import { Canned } from './Canned';
import { Macros } from './Macros';
import { Checklist } from './Checklist';
import { Channels } from './Channels';
import { Rules } from './Rules';
import { CustomerData } from './CustomerData';
import { Surveys } from './Surveys';
import { ApprovalRules } from './ApprovalRules';
import { Teams } from './Teams';
import { Schedules } from './Schedules';
import './admin.css';

const SCREENS: Record<AdminScreen, () => React.JSX.Element> = { checklist: Checklist, teams: Teams, people: People, channels: Channels, rules: Rules, sla: Sla, surveys: Surveys, approvals: ApprovalRules, audit: Audit, canned: Canned, macros: Macros, customer: CustomerData, schedules: Schedules };

export function AdminView() {
  const role = useSession().data?.agent?.role;
  const screens = screensFor(role);
  const current = useUi((s) => s.adminScreen);
  const home = useRef<HTMLElement>(null);
  const nav = useRef<HTMLDivElement>(null);
  const index = Math.max(0, screens.findIndex((s) => s.id === current));
  const show = (i: number) => useUi.getState().set({ adminScreen: screens[i]!.id });
  const onNavKey = (e: React.KeyboardEvent) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === 'j' || e.key === 'ArrowDown') { e.preventDefault(); show(Math.min(screens.length - 1, index + 1)); requestAnimationFrame(() => nav.current?.focus()); }
    else if (e.key === 'k' || e.key === 'ArrowUp') { e.preventDefault(); show(Math.max(0, index - 1)); requestAnimationFrame(() => nav.current?.focus()); }
    else if (e.key === 'Enter') {
      e.preventDefault();
      const list = home.current?.querySelector<HTMLElement>('.admin-screen [role="listbox"]');
      if (list) list.focus(); else useUi.getState().set({ adminFocus: true });
    }
  };
  const onScreenKey = (e: React.KeyboardEvent) => {
    if (e.key !== 'Escape' || e.defaultPrevented) return;
    const t = e.target as HTMLElement;
    if (t.closest('[role="dialog"]')) return;
    e.preventDefault();
    nav.current?.focus();
  };
  const Current = SCREENS[screens[index]?.id ?? 'teams'];
  return (
    <section className="pane floor admin" aria-label="Administration" ref={home}>
      <header className="floor-head">
        <h1>Administration</h1>
        <span className="muted">j/k choose a screen · Enter go in · Esc back to the screens · Ctrl+K any screen by name</span>
      </header>
      <div className="admin-body">
        <div ref={nav} role="listbox" tabIndex={0} aria-label="Admin screens" className="admin-nav" onKeyDown={onNavKey}
          aria-activedescendant={screens[index] ? `admin-nav-${screens[index]!.id}` : undefined}>
          {screens.map((s, i) => (
            <div key={s.id} id={`admin-nav-${s.id}`} role="option" aria-selected={i === index} className={`row${i === index ? ' selected' : ''}`}
              onMouseDown={(e) => { e.preventDefault(); show(i); }}>{s.label}</div>
          ))}
        </div>
        <div className="admin-main" onKeyDown={onScreenKey}>{screens.length ? <Current /> : <p className="muted">Administration is for supervisors and admins.</p>}</div>
      </div>
    </section>
  );
}
