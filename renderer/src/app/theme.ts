/**
 * Light and dark: by default the OS decides (prefers-color-scheme); the agent can pin one
 * (palette "Theme", Settings). Kept in settings; applied as data-theme on <html>, which the
 * colour tokens in styles.css read.
 */
import { useEffect } from 'react';
import { saveSetting, useSetting } from '../api/queries';

export type ThemeChoice = 'system' | 'light' | 'dark';
export const THEME_SETTING = 'theme';
const ORDER: ThemeChoice[] = ['system', 'light', 'dark'];

export function applyTheme(choice: ThemeChoice): void {
  const el = document.documentElement;
  if (choice === 'system') delete el.dataset.theme;
  else el.dataset.theme = choice;
}

export function useThemeChoice(): ThemeChoice {
  const { value } = useSetting<unknown>(THEME_SETTING, 'system');
  return ORDER.includes(value as ThemeChoice) ? (value as ThemeChoice) : 'system';
}

/** At the root: keeps <html data-theme> in step with the setting. */
export function useTheme(): void {
  const choice = useThemeChoice();
  useEffect(() => applyTheme(choice), [choice]);
}

export const nextTheme = (c: ThemeChoice): ThemeChoice => ORDER[(ORDER.indexOf(c) + 1) % ORDER.length]!;
export const setTheme = (c: ThemeChoice): Promise<void> => saveSetting(THEME_SETTING, c);
export const THEME_LABEL: Record<ThemeChoice, string> = { system: 'Theme: follow the system', light: 'Theme: light', dark: 'Theme: dark' };
