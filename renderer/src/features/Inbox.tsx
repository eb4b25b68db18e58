/**
 * The queue: tabs with counts, sort and filters, and a virtualized listbox of conversations.
 * Only the pages on screen are fetched, so 100,000 rows cost what 30 do.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { Inbox as InboxIcon, Search, X } from 'lucide-react';
import { memo, useEffect, useMemo, useRef } from 'react';
import type { InboxTab } from '../../../shared/contract/desktop';
import { conversationQuery, customerQuery, PAGE_SIZE, queryClient, useCounts, useInboxPages, type InboxFilter } from '../api/queries';
import { CHANNEL_LABEL, clockTime, sentimentText } from '../app/format';
import { CLOCK_SHORT, slaView } from '../app/sla';
import { registerNav } from '../app/nav';
import { useClock, useUi } from '../app/store';
import { run } from '../app/actions';
import { Avatar } from '../components/Avatar';
import { ChannelIcon, channelName } from '../components/ChannelIcon';
import { EmptyState } from '../components/EmptyState';

type Row = NonNullable<ReturnType<typeof useInboxPages>[number]['data']>['items'][number];

const EMPTY: Record<InboxTab, { title: string; hint: string }> = {
  mine: { title: 'Nothing assigned to you', hint: 'Shift+N takes the next conversation from the team queue, or press 2 to look at it.' },
  team: { title: 'The team queue is empty', hint: 'New posts land here as they arrive.' },
  snoozed: { title: 'Nothing snoozed', hint: 's snoozes the open conversation until later.' },
  resolved: { title: 'Nothing resolved yet', hint: 'e resolves the open conversation.' },
};

const TABS: Array<{ id: InboxTab; label: string }> = [
  { id: 'mine', label: 'Mine' }, { id: 'team', label: 'Team queue' }, { id: 'snoozed', label: 'Snoozed' }, { id: 'resolved', label: 'Resolved' },
];
const ROW_HEIGHT = 54;

/**
 * One conversation: customer and channel, one priority mark (only when not normal), one SLA chip
 * (the clock the list sorts by, and which one), intent and the snippet; the reason on hover.
 */
export const InboxRow = memo(function InboxRow({ row, selected, index, now, checked = false }: { row: Row; selected: boolean; index: number; now: number; checked?: boolean }) {
  const sla = slaView(row, now);
  const sentiment = sentimentText(row.analysis);
  const handle = row.customer_handle && row.customer_handle !== row.customer_name ? row.customer_handle : '';
  const intent = row.analysis.intent?.replace(/_/g, ' ');
  return (
    <div role="option" id={`row-${row.id}`} aria-selected={selected} data-index={index}
      aria-label={`${row.customer_name}${handle ? ` ${handle}` : ''} on ${CHANNEL_LABEL[row.channel]}: ${row.snippet}. ${row.priority} priority. ${sla.label}${sentiment ? `. ${sentiment.label}` : ''}${intent ? `, ${intent}` : ''}${row.awaiting_approval_since ? `. Reply awaiting approval since ${clockTime(row.awaiting_approval_since)}` : ''}${row.unread ? '. Unread' : ''}${checked ? '. Picked for a bulk action' : ''}`}
      title={row.analysis.reason} data-checked={checked || undefined}
      className={`row${selected ? ' selected' : ''}${row.unread ? ' unread' : ''}${checked ? ' checked' : ''}`}
      onMouseDown={(e) => { e.preventDefault(); useUi.getState().select(row.id, index); document.getElementById('inbox-list')?.focus(); }}>
      <div className="avatar-cell">
        {row.unread && <span className="unread-dot" aria-hidden="true" />}
        <Avatar name={row.customer_name} id={row.customer_id} size={28} />
      </div>
      <div className="row-main">
        <div className="row-top">
          <ChannelIcon channel={row.channel} labelled={false} />
          <span className="who"><strong>{row.customer_name}</strong>{handle && <span className="handle"> {handle}</span>}</span>
          {row.priority !== 'normal' && <span className={`prio-chip prio-${row.priority}`}>{row.priority}</span>}
          {sla.clock && (
            <span className={`sla sla-${sla.state} num`} title={sla.label}>
              <span className="clock">{CLOCK_SHORT[sla.clock]}</span> {sla.text}
            </span>
          )}
        </div>
        <div className="row-bottom">
          {row.awaiting_approval_since && (
            <span className="delivery delivery-awaiting num" title="Your reply waits for a supervisor's approval; the SLA keeps running">approval since {clockTime(row.awaiting_approval_since)}</span>
          )}
          {intent && <span className={`intent${sentiment ? ` senti-${sentiment.tone}` : ''}`} title={row.analysis.reason}>{intent}</span>}
          <span className="snippet">{row.tags.slice(0, 2).map((t) => <span key={t} className="tag">#{t}</span>)} {row.snippet}</span>
        </div>
      </div>
    </div>
  );
});

export function Inbox() {
  const { tab, sort, channel, tag, selectedId, selectedIndex, selection, selectAll } = useUi();
  // one Set per change of the selection, so each row's check is a lookup
  const picked = useMemo(() => new Set(selection), [selection]);
  // a selection belongs to the list it was made in
  useEffect(() => { useUi.getState().set({ selection: [], selectAll: false }); }, [tab, channel, tag]);
  const filter: InboxFilter = useMemo(() => ({ tab, sort, channel, tag }), [tab, sort, channel, tag]);
  const counts = useCounts(true);
  const now = useClock((s) => s.now);
  const scrollRef = useRef<HTMLDivElement>(null);

  // Page 0 tells the total; then whichever pages the virtualizer shows.
  const first = useInboxPages(filter, [0], true)[0]!;
  const total = first.data?.total ?? 0;
  const virtualizer = useVirtualizer({ count: total, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_HEIGHT, overscan: 12 });
  const items = virtualizer.getVirtualItems();
  const pageNumbers = useMemo(() => {
    const set = new Set<number>([0, Math.floor(selectedIndex / PAGE_SIZE)]);
    for (const it of items) set.add(Math.floor(it.index / PAGE_SIZE));
    return [...set].sort((a, b) => a - b);
  }, [items, selectedIndex]);
  const pages = useInboxPages(filter, pageNumbers, true);
  const rowAt = (i: number): Row | undefined => {
    const p = pageNumbers.indexOf(Math.floor(i / PAGE_SIZE));
    return p >= 0 ? pages[p]?.data?.items[i % PAGE_SIZE] : undefined;
  };
  const rowAtRef = useRef(rowAt);
  rowAtRef.current = rowAt;

  useEffect(() => {
    registerNav({
      total: () => total,
      idAt: (i) => (i >= 0 && i < total ? rowAtRef.current(i)?.id ?? null : null),
      indexOf: (id) => {
        for (let i = 0; i < total; i++) { const r = rowAtRef.current(i); if (r?.id === id) return i; if (!r && i > selectedIndex + PAGE_SIZE) break; }
        return -1;
      },
      scrollTo: (i) => virtualizer.scrollToIndex(i, { align: 'auto' }),
      focus: () => document.getElementById('inbox-list')?.focus(),
    });
    return () => registerNav(null);
  });

  // Keep a selection: the first row when nothing is selected, the row's index when it moved.
  const selectedRow = rowAt(selectedIndex);
  useEffect(() => {
    if (total === 0) return;
    if (selectedIndex >= total) { useUi.getState().select(rowAt(total - 1)?.id ?? null, total - 1); return; }
    if (!selectedId && selectedRow) useUi.getState().select(selectedRow.id, selectedIndex);
  });

  // Land the keyboard in the list when the workspace opens (after sign-in focus was on the form).
  useEffect(() => {
    if (document.activeElement === document.body || !document.activeElement) document.getElementById('inbox-list')?.focus();
  }, [total > 0]);

  // Read ahead: the neighbours of the selection come from the cache before j/k asks for them.
  useEffect(() => {
    for (const i of [selectedIndex + 1, selectedIndex + 2, selectedIndex - 1]) {
      const row = i >= 0 && i < total ? rowAt(i) : undefined;
      if (!row) continue;
      const { id, customer_id } = row;
      void queryClient.prefetchQuery(conversationQuery(id));
      void queryClient.prefetchQuery(customerQuery(customer_id));
    }
  });

  const counted = (t: InboxTab) => counts.data ? counts.data[t] : undefined;
  return (
    <section className="pane queue" aria-label="Queue">
      <div role="tablist" aria-label="Inbox" className="tabs" onKeyDown={(e) => {
        // The ARIA tabs pattern: arrows move between tabs.
        if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
        e.preventDefault();
        const i = TABS.findIndex((t) => t.id === tab);
        const next = TABS[(i + (e.key === 'ArrowRight' ? 1 : TABS.length - 1)) % TABS.length]!;
        useUi.getState().set({ tab: next.id, selectedId: null, selectedIndex: 0 });
        requestAnimationFrame(() => document.querySelector<HTMLElement>('[role="tab"][aria-selected="true"]')?.focus());
      }}>
        {TABS.map((t, i) => (
          <button key={t.id} role="tab" aria-selected={tab === t.id} aria-controls="inbox-list" tabIndex={tab === t.id ? 0 : -1}
            onClick={() => run(`inbox.tab.${t.id}` as never)} title={`${t.label} (${i + 1})`}>
            <span className="tab-label">{t.label}</span> <span className="count num">{counted(t.id) ?? ''}</span>
          </button>
        ))}
      </div>
      <div className="queue-tools">
        <label>Sort <select aria-label="Sort" value={sort} onChange={(e) => useUi.getState().set({ sort: e.target.value as never, selectedId: null, selectedIndex: 0 })}>
          <option value="sla">SLA due</option><option value="priority">Priority</option><option value="age">Age</option>
        </select></label>
        {(channel || tag) && (
          <button className="chip" onClick={() => useUi.getState().set({ channel: undefined, tag: undefined, selectedId: null, selectedIndex: 0 })}
            aria-label={`Clear filter ${[channel && CHANNEL_LABEL[channel], tag && `#${tag}`].filter(Boolean).join(' ')}`}>
            {channel && <ChannelIcon channel={channel} labelled={false} />}{[channel && channelName(channel), tag && `#${tag}`].filter(Boolean).join(' · ')} <X size={12} aria-hidden="true" />
          </button>
        )}
        <button className="link" onClick={() => run('inbox.filter')} aria-label="Filter by channel or tag">Filter</button>
        {(selectAll || selection.length > 0)
          ? <span className="num total picked" role="status" aria-label="Selection">{selectAll ? `All ${total} selected` : `${selection.length} selected`} · <kbd>b</kbd> bulk · <kbd>Esc</kbd> clears</span>
          : <span className="muted num total" aria-live="polite">{total} shown</span>}
      </div>
      <div ref={scrollRef} id="inbox-list" role="listbox" aria-label="Conversations" tabIndex={0} className="list"
        aria-activedescendant={selectedRow ? `row-${selectedRow.id}` : undefined}>
        {/* an empty listbox still holds one (disabled) option: it says why it is empty and what to do */}
        {total === 0 && first.isFetched && (
          <div role="option" aria-selected="false" aria-disabled="true">
            {channel || tag
              ? <EmptyState icon={Search} title="Nothing matches this filter">Clear it with the chip above, or <kbd>f</kbd> for another.</EmptyState>
              : <EmptyState icon={InboxIcon} title={EMPTY[tab].title}>{EMPTY[tab].hint}</EmptyState>}
          </div>
        )}
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((it) => {
            const row = rowAt(it.index);
            return (
              <div key={it.key} className="vrow" style={{ transform: `translateY(${it.start}px)`, height: ROW_HEIGHT }}>
                {row ? <InboxRow row={row} index={it.index} now={now} selected={row.id === selectedId} checked={selectAll || picked.has(row.id)} /> : <div className="row placeholder" aria-hidden="true" />}
              </div>
            );
          })}
        </div>
      </div>
    </section>
  );
}
