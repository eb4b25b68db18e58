/**
 * Posts the analysis once misread, as agents reported them, and their kin: profanity read as
 * happy, sarcasm and rhetorical questions read as praise, a real customer flagged as a bot,
 * people writing in bursts flagged as noise. All on a new workspace (rules only).
 */
import { describe, expect, it } from 'vitest';
import { createAnalyzer } from './analyzer';

const a = createAnalyzer();
const customer = { handle: 'maria48213577', followers: 12 }; // how X names new accounts

describe('tone the lexicon misses', () => {
  it('reads profanity and disgust as negative, and says why', () => {
    for (const text of ["I'm going to fucking puke… best airline ever lol", 'wtf is this, 3 hours on hold', 'I am so sick of this app, it is a joke']) {
      const r = a.analyze({ text, author: customer });
      expect(r.sentiment.label, text).toBe('negative');
      expect(r.intent, text).not.toBe('praise');
    }
    expect(a.analyze({ text: "I'm going to fucking puke… best airline ever lol" }).reason).toMatch(/^negative \(−0\.\d\d, (profanity|sarcasm): "/);
  });

  it('reads sarcasm as negative, never as praise', () => {
    for (const text of ['Oh great, another delay. Love spending my whole day at the airport', 'Thanks a lot for losing my bag again', 'yeah right, "on time"', 'Wonderful, cancelled again!']) {
      const r = a.analyze({ text, author: customer });
      expect(r.sentiment.label, text).toBe('negative');
      expect(r.intent, text).not.toBe('praise');
    }
    expect(a.analyze({ text: 'Oh great, another delay' }).reason).toContain('sarcasm: "oh great"');
  });

  it('keeps rhetorical and resigned questions from reading as positive or praise', () => {
    const r = a.analyze({ text: 'So do we just upload and hope for the best?', author: customer });
    expect(r.sentiment.label).not.toBe('positive');
    expect(r.intent).not.toBe('praise');
    expect(r.reason).toContain('rhetorical: "so do we just"');
    for (const text of ['Why is it so hard to get a refund?', 'How hard can it be to answer an email?', 'Is anyone there?? Hello?']) {
      expect(a.analyze({ text }).sentiment.label, text).not.toBe('positive');
    }
  });

  it('still reads plain thanks and real praise as positive', () => {
    for (const text of ['Thank you so much, the crew was wonderful!', 'great service today, thanks', 'love the new app']) {
      const r = a.analyze({ text });
      expect(r.sentiment.label, text).toBe('positive');
      expect(r.intent, text).toBe('praise');
    }
  });
});

describe('people, not bots', () => {
  it('does not flag a customer whose handle ends in digits', () => {
    const r = a.analyze({ text: 'my refund still has not arrived, order placed 3 weeks ago', author: customer });
    expect(r.noise).toBe(false);
    expect(r.reason).not.toMatch(/bot/);
  });
  it('flags a handle that calls itself a bot, or digits plus a post of links and tags', () => {
    expect(a.analyze({ text: 'great deals today', author: { handle: 'deals_bot' } }).noise_kind).toBe('bot');
    expect(a.analyze({ text: 'New post up #travel #tips #life https://t.co/x', author: { handle: 'promo48213577' } }).noise_kind).toBe('bot');
  });
  it('keeps each post of a burst as a real post', () => {
    // one customer, five posts in a minute
    const burst = ['hi', 'anyone there??', 'my order', '#A-99321', 'still nothing'];
    for (const text of burst) expect(a.analyze({ text, author: customer }).noise, text).toBe(false);
  });
});
