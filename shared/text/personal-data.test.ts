import { describe, expect, it } from 'vitest';
import { findPersonalData, luhnValid, personalDataWarning } from './personal-data';

const kinds = (t: string) => findPersonalData(t).map((h) => h.kind);

describe('findPersonalData', () => {
  it('finds e-mail addresses', () => {
    expect(findPersonalData('write to maria.k+care@example.co.uk please')).toEqual([
      { kind: 'email', text: 'maria.k+care@example.co.uk', index: 9 },
    ]);
  });
  it('finds phone numbers in common shapes', () => {
    expect(kinds('call +48 601 234 567')).toEqual(['phone']);
    expect(kinds('call (555) 123-4567 today')).toEqual(['phone']);
    expect(kinds('tel 030.1234.5678')).toEqual(['phone']);
  });
  it('finds Luhn-valid card numbers and ignores other long digit runs', () => {
    expect(kinds('card 4111 1111 1111 1111')).toEqual(['card']);
    expect(kinds('card 4111-1111-1111-1112')).not.toContain('card');
  });
  it('finds order numbers', () => {
    expect(kinds('your order #A-88123 shipped')).toEqual(['order']);
    expect(kinds('Order number: 1234567')).toEqual(['order']);
    expect(kinds('ref #88123456')).toEqual(['order']);
  });
  it('leaves ordinary replies alone', () => {
    expect(findPersonalData('Hi Maria, sorry about the delay! We will check the order status today at 10:30.')).toEqual([]);
    expect(findPersonalData('Fixed in version 2.4.1 on 2024-01-02, 3 days ago')).toEqual([]);
    expect(findPersonalData('DM us and we will help https://example.com/help')).toEqual([]);
  });
  it('reads the digits of a link as part of its address: an archived page is not a card number', () => {
    // 20200404042659 passes the Luhn check: the composer warned "contains a card number" on this real reply
    const reply = 'so they can check in on this: https://web.archive.org/web/20200404042659/https://support.google.com/youtube/answer/7071292 Hope it gets resolved soon!';
    expect(findPersonalData(reply)).toEqual([]);
    expect(kinds('see www.example.com/orders/4111111111111111 or call')).toEqual([]);
    expect(kinds('https://example.com/help and your card 4111 1111 1111 1111')).toEqual(['card']);
  });
});

describe('luhnValid', () => {
  it('accepts test cards and rejects off-by-one', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('5500005555555559')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
  });
});

describe('personalDataWarning', () => {
  it('names every kind found, once', () => {
    expect(personalDataWarning('mail a@b.com or b@c.com, card 4111111111111111'))
      .toBe('This public reply contains an e-mail address and a card number. Everyone can read it.');
    expect(personalDataWarning('thanks!')).toBeNull();
  });
});
