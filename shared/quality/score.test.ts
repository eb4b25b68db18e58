/**
 * The automatic quality score on real-looking threads. The brand replies quoted here are IBM's Twitter
 * care conversations (Apache-2.0, hub/demo/data/README.md); the bad replies are written for the test.
 */
import { describe, expect, it } from 'vitest';
import { applyOverrides, formatDuration, scoreConversation, type QualityMessage } from './score';

const T0 = Date.UTC(2026, 11, 7, 14, 0);
const min = 60_000;
const cust = (at: number, text: string, sentiment: QualityMessage['sentiment'] = 'negative'): QualityMessage =>
  ({ direction: 'inbound', visibility: 'public', at: T0 + at * min, text, sentiment });
const brand = (at: number, text: string, visibility: 'public' | 'private' = 'public'): QualityMessage =>
  ({ direction: 'outbound', visibility, at: T0 + at * min, text });
const item = (s: ReturnType<typeof scoreConversation>, id: string) => s.items.find((i) => i.id === id)!;

describe('scoreConversation', () => {
  it('passes a warm, helpful reply on every item it can judge', () => {
    const s = scoreConversation({
      messages: [
        cust(0, '@zoom_us my zoom installer stuck at 3% and said "network connection failed" with error code #1006. How to fix it?'),
        brand(12, '@MakanBihun Hi there, sorry for this! Can you pls try the following recommendations in this support article: https://support.zoom.us/hc/en-us/articles/201362463 Thank you!'),
      ],
      sla: { first_response_s: 30 * 60 },
    });
    expect(s.items.map((i) => [i.id, i.result])).toEqual([
      ['greeting', 'pass'], ['empathy', 'pass'], ['solution', 'pass'], ['closing', 'pass'], ['tone', 'pass'], ['personal_data', 'pass'], ['sla', 'pass'],
    ]);
    expect(s.score).toBe(100);
    expect(item(s, 'greeting').reason).toBe('the first reply opens with "Hi"');
    expect(item(s, 'sla').reason).toBe('the reply came within the SLA (12 min)');
  });

  it('fails a curt reply with the reasons an agent can act on', () => {
    const s = scoreConversation({
      messages: [
        cust(0, '@RockstarSupport i ordered the criminal enterprise pack over 48 hours ago and didnt get anything'),
        brand(42, '@gamer99 Could you please let us know which platform you are on'),
      ],
      sla: { first_response_s: 30 * 60 },
    });
    expect(item(s, 'greeting')).toEqual({ id: 'greeting', result: 'fail', reason: 'no greeting in the first reply ("Could you please let us know which plat…")' });
    expect(item(s, 'empathy').result).toBe('fail');
    expect(item(s, 'empathy').reason).toContain('upset');
    expect(item(s, 'sla')).toEqual({ id: 'sla', result: 'fail', reason: 'first reply 42 min after the post, SLA 30 min' });
    expect(s.passed).toBeLessThan(s.applicable);
    expect(s.score).toBe(Math.round((s.passed / s.applicable) * 100));
  });

  it('reads a care account sign-off as a closing, and a link as a solution', () => {
    const s = scoreConversation({
      messages: [
        cust(0, '@GoDaddyHelp someone is running a scam site on your hosting'),
        brand(5, '@ScammerBlaster To report that type of activity to the appropriate abuse team, please review https://www.godaddy.com/help/reporting-abuse-27154 ^CG'),
      ],
    });
    expect(item(s, 'closing')).toMatchObject({ result: 'pass', reason: 'the last reply is signed off ("^CG")' });
    expect(item(s, 'solution').result).toBe('pass');
    expect(item(s, 'sla')).toEqual({ id: 'sla', result: 'na', reason: 'no SLA applies to this conversation' });
  });

  it('empathy does not apply when the customer was not upset', () => {
    const s = scoreConversation({
      messages: [cust(0, 'Does the new plan include international calls?', 'neutral'), brand(3, 'Hello! Yes, you can call 60 countries at no extra cost. Have a great day!')],
    });
    expect(item(s, 'empathy')).toEqual({ id: 'empathy', result: 'na', reason: 'the customer was not upset (no negative message)' });
    expect(s.applicable).toBe(5);
  });

  it('fails tone on rudeness, blame and shouting, naming the words', () => {
    const rude = scoreConversation({ messages: [cust(0, 'this is the third time my card is declined'), brand(2, 'Hi, calm down, as I already said it is not our problem.')] });
    expect(item(rude, 'tone')).toEqual({ id: 'tone', result: 'fail', reason: 'the reply says "calm down"' });
    const shout = scoreConversation({ messages: [cust(0, 'where is my parcel'), brand(2, 'Hello, YOU MUST WAIT FOR THE COURIER TO CALL'), brand(9, 'Thanks, have a good day')] });
    expect(item(shout, 'tone').reason).toBe('the first reply says "YOU MUST WAIT FOR"');
  });

  it('fails personal data shown in a public reply, not in a private one', () => {
    const pub = scoreConversation({
      messages: [cust(0, 'I cannot log in'), brand(4, 'Hi Sam, sorry! We reset it: write to sam.jones@example.com or call +1 415 555 0134 and let us know.')],
    });
    expect(item(pub, 'personal_data')).toEqual({
      id: 'personal_data', result: 'fail', reason: 'the reply shows an e-mail address in public ("sam.jones@example.com") and 1 more',
    });
    const dm = scoreConversation({
      messages: [cust(0, 'I cannot log in'), brand(4, 'Hi Sam, sorry! We reset it: write to sam.jones@example.com and let us know.', 'private')],
    });
    expect(item(dm, 'personal_data')).toEqual({ id: 'personal_data', result: 'na', reason: 'every reply was private' });
  });

  it('judges the first reply against routing\'s due time and later replies against the next-response target', () => {
    const s = scoreConversation({
      messages: [
        cust(0, 'my order never arrived'),
        brand(20, 'Hi, sorry about that! Please DM us your order number.'),
        cust(30, 'sent'),
        brand(30 + 130, 'Thanks, we have refunded it. Anything else?'),
      ],
      sla: { first_response_due_at: T0 + 15 * min, first_response_s: 15 * 60, next_response_s: 60 * 60 },
    });
    expect(item(s, 'sla')).toEqual({
      id: 'sla', result: 'fail',
      reason: 'first reply 20 min after the post, 5 min after it was due (SLA 15 min); a next reply 2 h 10 min after the customer wrote, SLA 1 h',
    });
  });

  it('measures waits in the business time the caller gives', () => {
    // the customer wrote at 14:00, the reply came 16 hours later, of which 20 minutes were business hours
    const s = scoreConversation({
      messages: [cust(0, 'hello? my bill is wrong'), brand(16 * 60, 'Hi, sorry! You can fix it in Settings > Billing. Hope this helps!')],
      sla: { first_response_s: 30 * 60 }, businessMs: () => 20 * min,
    });
    expect(item(s, 'sla')).toEqual({ id: 'sla', result: 'pass', reason: 'the reply came within the SLA (20 min)' });
  });

  it('has nothing to judge without a reply that reached the customer', () => {
    const s = scoreConversation({ messages: [cust(0, 'thanks, all sorted now', 'positive')] });
    expect(s.score).toBeNull();
    expect(s.items.every((i) => i.result === 'na' && i.reason === 'no reply reached the customer')).toBe(true);
  });

  it('a reviewer\'s overrides make the reviewed score and keep the automatic items', () => {
    const auto = scoreConversation({ messages: [cust(0, 'app crashes'), brand(3, '@x Could you tell us your app version?')] });
    const reviewed = applyOverrides(auto.items, [{ id: 'greeting', result: 'pass', note: 'a question first is fine on X' }]);
    expect(reviewed.items.find((i) => i.id === 'greeting')).toEqual({ id: 'greeting', result: 'pass', reason: 'a question first is fine on X' });
    expect(reviewed.passed).toBe(auto.passed + 1);
    expect(auto.items.find((i) => i.id === 'greeting')!.result).toBe('fail');
  });

  it('formats durations for people', () => {
    expect([formatDuration(42 * min), formatDuration(125 * min), formatDuration(120 * min), formatDuration(50 * 60 * min)]).toEqual(['42 min', '2 h 5 min', '2 h', '2 d 2 h']);
  });
});
