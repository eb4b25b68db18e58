import { waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { core } from '../testing/fake-core';
import { renderApp } from '../testing/fixtures';
import { run } from './actions';
import { useUi } from './store';
import { useTheme } from './theme';

function Harness() { useTheme(); return null; }

describe('Theme', () => {
  it('follows the system until the agent picks one; the palette command cycles system → light → dark and keeps it', async () => {
    const settings = new Map<string, unknown>();
    core.handle('settings.get', ({ key }) => ({ value: settings.get(key) ?? null }));
    core.handle('settings.set', ({ key, value }) => { settings.set(key, value); return { ok: true }; });
    renderApp(<Harness />);
    await waitFor(() => expect(core.callsOf('settings.get')).toEqual([{ key: 'theme' }]));
    expect(document.documentElement.dataset.theme).toBeUndefined();
    run('theme.toggle');
    await waitFor(() => expect(document.documentElement.dataset.theme).toBe('light'));
    expect(settings.get('theme')).toBe('light');
    expect(useUi.getState().announcement).toBe('Theme: light');
    run('theme.toggle');
    await waitFor(() => expect(document.documentElement.dataset.theme).toBe('dark'));
    run('theme.toggle');
    await waitFor(() => expect(document.documentElement.dataset.theme).toBeUndefined());
    expect(settings.get('theme')).toBe('system');
  });
});
