import { describe, expect, it } from 'vitest';
import { createAnalyzer } from './analyzer';
import { authorInfluence, detectNoise, detectUrgency, formatCount } from './signals';

const analyzer = createAnalyzer();
const kinds = (text: string) => analyzer.analyze({ text }).pii;

describe('personal data in inbound posts', () => {
  it('finds e-mail addresses and masks them', () => {
    const a = analyzer.analyze({ text: 'my login is jane.doe+shop@example.com and it is locked' });
    expect(a.pii).toEqual(['email']);
    expect(a.pii_found[0]).toMatchObject({ kind: 'email', masked: 'j***@example.com' });
    expect(JSON.stringify(a)).not.toContain('jane.doe+shop');
  });
  it('finds phone numbers', () => {
    expect(kinds('call me back on +1 (415) 555-0132 please')).toEqual(['phone']);
    expect(kinds('my number is 020 7946 0958')).toEqual(['phone']);
  });
  it('finds card numbers only when the Luhn check passes', () => {
    expect(kinds('you charged my card 4111 1111 1111 1111 twice')).toEqual(['card']);
    expect(analyzer.analyze({ text: 'card 5500-0055-5555-5559' }).pii_found[0].masked).toBe('**** 5559');
    expect(kinds('you charged my card 4111 1111 1111 1112 twice')).not.toContain('card');
  });
  it('finds order numbers', () => {
    expect(kinds('where is order #A-99321?')).toEqual(['order']);
    expect(kinds('Order number: 11235813 never arrived')).toEqual(['order']);
  });
  it('does not flag plain numbers', () => {
    expect(kinds('waited 45 minutes at gate 12 for flight 1234, 3 hours late')).toEqual([]);
    expect(kinds('I paid $1,299.99 in 2019 for 2 units')).toEqual([]);
    expect(kinds('version 2.4.1 released on 2024-01-02')).toEqual([]);
    expect(kinds('rated 5/5, 100% happy, 24/7 support')).toEqual([]);
  });
});

describe('urgency, noise and influence', () => {
  it('scores safety above impatience above nothing', () => {
    const fire = detectUrgency('the charger caught fire and burned my desk');
    const asap = detectUrgency('please fix this asap');
    const calm = detectUrgency('how do I change my address?');
    expect(fire.score).toBeGreaterThan(asap.score);
    expect(asap.score).toBeGreaterThan(calm.score);
    expect(calm.score).toBe(0);
    expect(fire.cues).toContain('caught fire');
  });
  it('flags spam, bots and empty posts, and leaves real posts alone', () => {
    expect(detectNoise('win a free iphone https://a.co https://b.co https://c.co', undefined, null).kind).toBe('spam');
    expect(detectNoise('great deals today', { handle: 'deals_bot' }, null).kind).toBe('bot');
    expect(detectNoise('@brand https://t.co/x', undefined, null).kind).toBe('off_topic');
    expect(detectNoise('my parcel never arrived', { handle: 'maria' }, 'complaint').noise).toBe(false);
    expect(detectNoise('follow me for crypto tips', { handle: 'maria' }, 'spam')).toMatchObject({ noise: true, kind: 'spam' });
    expect(detectNoise('who won the game last night', { handle: 'maria' }, 'off_topic')).toMatchObject({ noise: true, kind: 'off_topic' });
  });
  it('grows with followers and verification', () => {
    expect(authorInfluence(undefined).score).toBe(0);
    expect(authorInfluence({ followers: 120_000 }).score).toBeGreaterThan(authorInfluence({ followers: 300 }).score);
    expect(authorInfluence({ followers: 300, verified: true }).score).toBeGreaterThan(authorInfluence({ followers: 300 }).score);
    expect(authorInfluence({ followers: -5 }).followers).toBeNull();
    expect(formatCount(120_000)).toBe('120k');
    expect(formatCount(1_250_000)).toBe('1.3M');
  });
});
