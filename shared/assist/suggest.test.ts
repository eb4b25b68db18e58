import { describe, expect, it } from 'vitest';
import { suggestCanned, SuggestionIndex, type AnsweredConversation } from './suggest';

const DAY = 86_400_000;
const now = Date.parse('2026-03-01T12:00:00Z');
const conv = (id: string, customerText: string, reply: string, daysAgo: number, extra: Partial<AnsweredConversation> = {}): AnsweredConversation =>
  ({ id, customerText, reply, repliedAt: now - daysAgo * DAY, customerHandles: [`cust_${id}`], ...extra });

function index() {
  const x = new SuggestionIndex();
  x.add(conv('r1', 'I was charged twice for my order', '@cust_r1 Sorry about the double charge! We have refunded the second payment, it shows in 3-5 days. -KC', 3, { outcome: { resolved: true, csat: 5 } }));
  x.add(conv('r2', 'charged two times this month??', '@cust_r2 Sorry about the double charge! We have refunded the second payment, it shows in 3-5 days. -AA', 10));
  x.add(conv('p1', 'my password reset email never comes', '@cust_p1 Please try the reset here: https://help.shop.example/reset and check spam. ^JK', 5));
  x.add(conv('d1', 'where is my parcel, tracking stuck', '@cust_d1 Please DM us your order number so we can check the tracking. -KC', 1));
  x.add(conv('bad', 'I was charged twice', '@cust_bad Charges are final, sorry.', 2, { outcome: { reopened: true } }));
  x.add(conv('low', 'double charge on my card', '@cust_low Please call the bank.', 2, { outcome: { resolved: true, csat: 2 } }));
  return x;
}

describe('suggested replies', () => {
  it('ranks the answer to similar messages first, adapted, and says where it came from', () => {
    const s = index().suggest({ text: 'hi, you charged my card twice for one order', now, target: { customerHandle: 'newbie', agentSignature: '-ZZ' } });
    expect(s).toHaveLength(3);
    expect(s[0].text).toBe('@newbie Sorry about the double charge! We have refunded the second payment, it shows in 3-5 days. -ZZ');
    expect(s[0].why).toMatch(/similar message \(.*"charg.*sent 2×.*1 resolved/);
    expect(s[0].sources).toEqual(['r1']);
    expect(new Set(s.map((x) => x.key)).size).toBe(3);
  });

  it('never offers an answer whose conversation was reopened or rated below 4', () => {
    const texts = index().suggest({ text: 'charged twice, double charge on my card', now }, 3).map((s) => s.text);
    expect(texts.join('\n')).not.toMatch(/Charges are final|call the bank/);
  });

  it('offers nothing from the future (a replay only knows what came before)', () => {
    const s = index().suggest({ text: 'where is my parcel', now: now - 4 * DAY });
    expect(s.map((x) => x.sources[0])).not.toContain('d1');
  });

  it('learns from feedback: ignored suggestions sink, accepted ones rise', () => {
    const x = index();
    const q = { text: 'my password reset mail is not arriving', now };
    const first = x.suggest(q)[0];
    expect(first.text).toContain('https://help.shop.example/reset');
    x.recordFeedback(first.key, 'ignored', 10);
    expect(x.suggest(q)[0].key).not.toBe(first.key);
    x.recordFeedback(first.key, 'accepted', 20);
    expect(x.suggest(q)[0].key).toBe(first.key);
    expect(x.suggest(q)[0].why).toContain('accepted 20×');
  });

  it('uses sentence embeddings when given: a paraphrase with no shared words still finds its answer', () => {
    const x = new SuggestionIndex({ consensus: 0 });
    const v = (...xs: number[]) => Float32Array.from(xs);
    x.add(conv('a', 'my luggage did not arrive', 'Please file a missing bag report here: https://air.example/bags', 1, { vector: v(1, 0, 0) }));
    x.add(conv('b', 'can I bring my dog', 'Pets travel in the hold, see https://air.example/pets', 1, { vector: v(0, 1, 0) }));
    const s = x.suggest({ text: 'suitcase vanished', vector: v(0.95, 0.1, 0), now });
    expect(s[0].text).toContain('missing bag');
    expect(s[0].why).toContain('similar message (meaning)');
  });

  it('suggests help links with what they were sent for, and canned responses that fit', () => {
    const links = index().helpLinks({ text: 'reset password mail missing', now });
    expect(links[0]).toMatchObject({ kind: 'link', text: 'https://help.shop.example/reset', sentFor: 'my password reset email never comes' });
    const canned = suggestCanned('I want a refund for the double charge', [
      { id: 'c1', shortcode: 'refund', title: 'Refund timeline', body: 'Refunds take 3-5 business days.' },
      { id: 'c2', shortcode: 'hours', title: 'Opening hours', body: 'We are open 9-5.' },
    ]);
    expect(canned.map((c) => c.sources[0])).toEqual(['c1']);
    expect(canned[0].why).toContain('canned "Refund timeline"');
  });
});
