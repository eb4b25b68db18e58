import { describe, expect, it } from 'vitest';
import { promisedDue, summarize, summaryNote, type SummaryMessage } from './summary';

const m = (id: string, direction: SummaryMessage['direction'], text: string, at: string, author: string | null = null): SummaryMessage => ({ id, direction, text, at, author });

describe('handover summary', () => {
  const thread = [
    m('1', 'in', '@ShopCare hi! I ordered a kettle last week. It arrived with a cracked lid and now it leaks everywhere.', '2026-03-02T09:00:00Z', 'maria_l'),
    m('2', 'in', 'order 77812, can you help?', '2026-03-02T09:01:00Z', 'maria_l'),
    m('3', 'out', "@maria_l So sorry! I've sent a replacement kettle, it should arrive within 3 days. -KC", '2026-03-02T09:30:00Z', 'Ken'),
    m('4', 'note', 'Warehouse says the replacement ships tomorrow; I will check the tracking on Friday.', '2026-03-02T09:40:00Z', 'Ken'),
  ];

  it('says the problem, what was done and what is open with its due time, each from a message', () => {
    const s = summarize(thread, { now: '2026-03-02T18:00:00Z' });
    expect(s.lines.map((l) => l.kind)).toEqual(['problem', 'done', 'open']);
    expect(s.lines[0].text).toBe('Problem: It arrived with a cracked lid and now it leaks everywhere.');
    expect(s.lines[0].source).toMatchObject({ messageId: '1', author: 'maria_l' });
    expect(s.lines[1].text).toBe("Done: I've sent a replacement kettle, it should arrive within 3 days.");
    expect(s.lines[1].source?.messageId).toBe('3');
    expect(s.lines[2].text).toMatch(/^Open: Warehouse says the replacement ships tomorrow; I will check the tracking on Friday\. — due 2026-03-03 17:00 UTC$/);
    expect(s.lines[2]).toMatchObject({ source: { messageId: '4' }, due: '2026-03-03T17:00:00.000Z' });
    const note = summaryNote(s);
    expect(note.split('\n')).toHaveLength(4);
    expect(note).toContain('[from maria_l, 2026-03-02 09:00 UTC]');
  });

  it("puts the customer's unanswered message first in what is open", () => {
    const s = summarize([...thread, m('5', 'in', 'It still has not shipped. Where is it?', '2026-03-04T08:00:00Z', 'maria_l')], { now: '2026-03-04T09:00:00Z', dueAt: '2026-03-04T10:00:00Z', dueLabel: 'next response due' });
    expect(s.lines[2].text).toBe('Open: the customer is waiting for an answer to "Where is it?" — next response due 2026-03-04 10:00 UTC');
    expect(s.lines[2].source?.messageId).toBe('5');
  });

  it('says so plainly when there is nothing yet', () => {
    const s = summarize([m('1', 'in', 'hello?', '2026-03-02T09:00:00Z')], { now: '2026-03-02T09:05:00Z' });
    expect(s.lines[1]).toMatchObject({ text: 'Done: nothing yet — no reply or note so far.', source: null });
    expect(summarize([], { now: '2026-03-02T09:05:00Z' }).lines[0].source).toBeNull();
  });

  it('reads promised due times', () => {
    const at = '2026-03-04T10:00:00Z'; // a Wednesday
    expect(promisedDue('we will get back to you within 48 hours', at)).toBe('2026-03-06T10:00:00.000Z');
    expect(promisedDue('expect an update by Friday', at)).toBe('2026-03-06T17:00:00.000Z');
    expect(promisedDue('I will call you tomorrow', at)).toBe('2026-03-05T17:00:00.000Z');
    expect(promisedDue('thanks for waiting', at)).toBeNull();
  });
});
