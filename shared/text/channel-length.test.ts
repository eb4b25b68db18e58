import { describe, expect, it } from 'vitest';
import { countForChannel, xLength } from './channel-length';

describe('xLength (X counts as the platform does)', () => {
  it('counts plain Latin text by code point', () => {
    expect(xLength('Hello there')).toBe(11);
    expect(xLength('zażółć gęślą jaźń')).toBe(17);
  });
  it('counts every URL as 23 whatever its length', () => {
    expect(xLength('https://t.co/a')).toBe(23);
    expect(xLength('see https://example.com/a/very/long/path/that/goes/on?and=on&and=on')).toBe(4 + 23);
    expect(xLength('a http://x.io b example.com/help.')).toBe(2 + 23 + 3 + 23 + 1);
  });
  it('does not count the domain of an e-mail address as a URL', () => {
    expect(xLength('Mail me at jo@example.com')).toBe(25);
    expect(xLength('the example.community')).toBe(21);
  });
  it('does not swallow trailing punctuation into a URL', () => {
    expect(xLength('(https://example.com).')).toBe(1 + 23 + 2);
  });
  it('weighs CJK characters 2', () => {
    expect(xLength('日本語')).toBe(6);
  });
  it('weighs an emoji sequence 2, even a ZWJ family', () => {
    expect(xLength('👍')).toBe(2);
    expect(xLength('👍🏽')).toBe(2);
    expect(xLength('👨‍👩‍👧')).toBe(2);
    expect(xLength('ok 🇵🇱')).toBe(5);
  });
  it('normalizes to NFC before counting', () => {
    expect(xLength('e\u0301')).toBe(1);
  });
});

describe('countForChannel', () => {
  it('flags an X reply over 280', () => {
    const c = countForChannel('a'.repeat(281), 'x');
    expect(c).toEqual({ count: 281, limit: 280, remaining: -1, over: true });
    expect(countForChannel('a'.repeat(280), 'x').over).toBe(false);
  });
  it('a 258-letter text plus one URL is exactly 282 on X', () => {
    expect(countForChannel('a'.repeat(258) + ' https://example.com/' + 'x'.repeat(100), 'x').count).toBe(258 + 1 + 23);
  });
  it('uses other platforms\' limits and plain code point counts', () => {
    expect(countForChannel('https://example.com', 'facebook')).toMatchObject({ count: 19, limit: 8000 });
    expect(countForChannel('hi', 'email')).toMatchObject({ limit: null, remaining: null, over: false });
  });
  it('private messages on X allow 10,000', () => {
    expect(countForChannel('a'.repeat(300), 'x', 'private').over).toBe(false);
  });
});
