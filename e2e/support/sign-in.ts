/** Signing in as a demo user (password "demo" unless given) with the keyboard only, as a new agent would (shared by the specs). */
import { expect, type Page } from '@playwright/test';
import { readState } from './stack';

export async function signIn(p: Page, appUrl: string, email: string, opts: { presenceMayBeRestored?: boolean; password?: string; hubUrl?: string } = {}): Promise<void> {
  await p.goto(appUrl);
  await expect(p.getByRole('form', { name: 'Sign in' })).toBeVisible();
  // Email has focus; the hub URL field comes first in the tab order.
  await expect(p.getByLabel('Email')).toBeFocused();
  await p.keyboard.press('Shift+Tab');
  await p.keyboard.press('ControlOrMeta+A');
  await p.keyboard.type(opts.hubUrl ?? readState().hubUrl);
  await p.keyboard.press('Tab');
  await p.keyboard.type(email);
  await p.keyboard.press('Tab');
  await p.keyboard.type(opts.password ?? 'demo');
  await p.keyboard.press('Enter');
  await expect(p.getByRole('status', { name: 'Online' })).toBeVisible();
  if (opts.presenceMayBeRestored) await answerPresenceUnlessRestored(p);
  else await answerPresenceAtSignIn(p);
}

/**
 * For a spec that may run after another signed the same person in this shift: the desk then restores
 * their last presence (and says so) instead of asking.
 */
export async function answerPresenceUnlessRestored(p: Page): Promise<void> {
  const ask = p.getByRole('dialog', { name: 'Start your shift: set your presence' });
  // the status bar reads "Presence: …" while it loads and "Offline" until the desk asks: neither is an answer yet
  const known = p.getByRole('button', { name: /^Presence (?!Offline$|…$|unknown$|not known)/ });
  await expect(ask.or(known).first()).toBeVisible();
  if (await ask.isVisible()) {
    await p.keyboard.press('Escape');
    await expect(ask).toBeHidden();
  }
}

/** The demo agents start Offline: the desk asks for a presence at sign-in. Escape stays Offline (no offers during the test). */
export async function answerPresenceAtSignIn(p: Page): Promise<void> {
  const ask = p.getByRole('dialog', { name: 'Start your shift: set your presence' });
  await expect(ask).toBeVisible();
  await expect(ask.getByRole('option', { name: /Available/ })).toBeVisible();
  await p.keyboard.press('Escape');
  await expect(ask).toBeHidden();
}
