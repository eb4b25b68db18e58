/**
 * Teams and departments: support teams answer customers, departments (product quality, store
 * operations, product management, loyalty…) receive insights. Admins create, rename, archive and
 * restore; supervisors see them. Keys: j/k move, n new, Enter renames, a archives or restores.
 */
import { useState } from 'react';
import type { AdminTeam } from '../../../../shared/contract/admin';
import { useAdminAction, useAdminQuery } from '../../api/admin';
import { useSession } from '../../api/queries';
import { useUi } from '../../app/store';
import { KeyList } from '../../components/KeyList';
import { Field, FormDialog, Screen } from './parts';

const announce = (t: string) => useUi.getState().announce(t);

function NewTeam({ onDone }: { onDone(): void }) {
  const [name, setName] = useState('');
  const [kind, setKind] = useState<'support' | 'department'>('support');
  const create = useAdminAction('adminCreateTeam', { onSuccess: (r) => { onDone(); announce(`${r.team.kind === 'support' ? 'Team' : 'Department'} ${r.team.name} created`); } });
  return (
    <FormDialog label="New team or department" submit="Create" onClose={onDone} busy={create.isPending} error={create.error}
      onSubmit={() => create.mutate({ body: { name, kind } })}>
      <Field label="Name">{(id) => <input id={id} data-autofocus value={name} onChange={(e) => setName(e.target.value)} placeholder="Returns desk" />}</Field>
      <fieldset className="admin-choice">
        <legend>Kind</legend>
        <label><input type="radio" name="kind" checked={kind === 'support'} onChange={() => setKind('support')} /> Support team: answers customers</label>
        <label><input type="radio" name="kind" checked={kind === 'department'} onChange={() => setKind('department')} /> Department: receives insights to close</label>
      </fieldset>
    </FormDialog>
  );
}

function RenameTeam({ team, onDone }: { team: AdminTeam; onDone(): void }) {
  const [name, setName] = useState(team.name);
  const rename = useAdminAction('adminRenameTeam', { onSuccess: (r) => { onDone(); announce(`Renamed to ${r.team.name}`); } });
  return (
    <FormDialog label={`Rename ${team.name}`} submit="Rename" onClose={onDone} busy={rename.isPending} error={rename.error}
      onSubmit={() => rename.mutate({ params: { id: team.id }, body: { name } })}>
      <Field label="Name">{(id) => <input id={id} data-autofocus value={name} onChange={(e) => setName(e.target.value)} onFocus={(e) => e.target.select()} />}</Field>
    </FormDialog>
  );
}

export function Teams() {
  const canChange = useSession().data?.agent?.role === 'admin';
  const q = useAdminQuery('adminTeams', {});
  const [dialog, setDialog] = useState<null | { kind: 'new' } | { kind: 'rename'; team: AdminTeam }>(null);
  const [refusal, setRefusal] = useState<string | null>(null);
  const archive = useAdminAction('adminArchiveTeam', { onSuccess: (r) => announce(`${r.team.name} archived`), onError: (e) => setRefusal(e.message) });
  const restore = useAdminAction('adminRestoreTeam', { onSuccess: (r) => announce(`${r.team.name} restored`), onError: (e) => setRefusal(e.message) });
  const teams = q.data?.teams ?? [];
  return (
    <Screen ready={!!q.data || !!q.error} title="Teams and departments"
      intro="Support teams answer customers. Departments receive the insights routing sends them (product quality, store operations, product management, loyalty) and close them."
      keys={canChange ? 'j/k move · n new · Enter rename · a archive or restore' : 'j/k move · only admins change teams'}
      actions={canChange && <button onClick={() => setDialog({ kind: 'new' })}>New team <kbd>n</kbd></button>}
      onKey={(key) => { if (key === 'n' && canChange) { setDialog({ kind: 'new' }); return true; } return false; }}>
      {q.error && <p className="error" role="alert">{q.error.message}</p>}
      {q.data && (
        <KeyList label="Teams and departments" items={teams} id={(t) => t.id} empty="No teams yet: press n to create one."
          onAction={(key, team) => {
            if (!canChange) return false;
            setRefusal(null);
            if (key === 'Enter') { setDialog({ kind: 'rename', team }); return true; }
            if (key === 'a') { (team.archived ? restore : archive).mutate({ params: { id: team.id } }); return true; }
            return false;
          }}
          render={(t) => (
            <span className={`admin-row${t.archived ? ' archived' : ''}`}
              aria-label={`${t.name}, ${t.kind === 'support' ? 'support team' : 'department'}${t.archived ? ', archived' : ''}, ${t.members} ${t.members === 1 ? 'person' : 'people'}, ${t.waiting} ${t.kind === 'support' ? 'waiting' : 'open insights'}`}>
              <strong>{t.name}</strong>
              <span className={`tag kind-${t.kind}`}>{t.kind === 'support' ? 'Support team' : 'Department'}</span>
              {t.archived && <span className="tag">Archived</span>}
              <span className="muted num">{t.members} {t.members === 1 ? 'person' : 'people'}</span>
              <span className="muted num">{t.waiting} {t.kind === 'support' ? 'waiting' : 'open insights'}</span>
            </span>
          )} />
      )}
      {refusal && <p className="error" role="alert">{refusal}</p>}
      {dialog?.kind === 'new' && <NewTeam onDone={() => setDialog(null)} />}
      {dialog?.kind === 'rename' && <RenameTeam team={dialog.team} onDone={() => setDialog(null)} />}
    </Screen>
  );
}
