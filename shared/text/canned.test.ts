import { describe, expect, it } from 'vitest';
import { applyShortcode, CannedResponsesSchema, DEFAULT_CANNED, expandCanned } from './canned';

const ctx = { customer: { name: 'Maria Kowalska', handle: '@maria_k' }, agent: { name: 'Ana Lima' } };

describe('expandCanned', () => {
  it('fills customer and agent variables', () => {
    expect(expandCanned('Hi {{customer.first_name}} ({{customer.handle}}), {{agent.name}} ^{{ agent.initials }}', ctx))
      .toBe('Hi Maria (@maria_k), Ana Lima ^AL');
  });
  it('takes the first name from a handle-like name', () => {
    expect(expandCanned('{{customer.first_name}}', { ...ctx, customer: { name: '@joe' } })).toBe('joe');
  });
  it('leaves unknown variables visible', () => {
    expect(expandCanned('x {{order.id}}', ctx)).toBe('x {{order.id}}');
  });
});

describe('applyShortcode', () => {
  it('replaces ;code before the caret with the expanded text', () => {
    const r = applyShortcode('Sure! ;thanks', 13, DEFAULT_CANNED, ctx);
    expect(r?.text).toBe('Sure! Hi Maria, thanks for reaching out! Ana here, happy to help.');
    expect(r?.caret).toBe(r!.text.length);
  });
  it('keeps text after the caret', () => {
    const r = applyShortcode(';bye tail', 4, DEFAULT_CANNED, ctx);
    expect(r?.text.endsWith(' tail')).toBe(true);
  });
  it('does nothing for unknown codes or semicolons inside words', () => {
    expect(applyShortcode(';nope', 5, DEFAULT_CANNED, ctx)).toBeNull();
    expect(applyShortcode('a;thanks', 8, DEFAULT_CANNED, ctx)).toBeNull();
  });
});

describe('defaults', () => {
  it('are valid canned responses with unique shortcodes', () => {
    expect(CannedResponsesSchema.parse(DEFAULT_CANNED)).toHaveLength(DEFAULT_CANNED.length);
    expect(new Set(DEFAULT_CANNED.map((c) => c.shortcode)).size).toBe(DEFAULT_CANNED.length);
  });
});
