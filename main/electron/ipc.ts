/**
 * Electron IPC adapter: one ipcMain.handle per contract request, channel `tend:<name>`: the core's
 * requests (shared/contract/desktop.ts) and the shell's own platform requests
 * (shared/contract/platform.ts). Each handler checks the sender frame, parses with the contract and
 * answers a Result. Core events go to the window as `tend:event:<name>`.
 */
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { DESKTOP_REQUEST_NAMES, DesktopEvents, type DesktopEventName, type Result } from '../../shared/contract/desktop';
import { dispatchRequest } from '../../shared/contract/dispatch';
import { PLATFORM_REQUEST_NAMES } from '../../shared/contract/platform';
import type { DesktopService } from '../core/service';
import { dispatchPlatform, type PlatformShell } from './platform';
import { isAllowedSender } from './security';

export const requestChannel = (name: string) => `tend:${name}`;
export const eventChannel = (name: string) => `tend:event:${name}`;

const FORBIDDEN: Result<never> = { ok: false, error: { code: 'forbidden_sender', message: 'request from an unexpected frame' } };

function fromOurPage(event: IpcMainInvokeEvent): boolean {
  const frame = event.senderFrame;
  const isMain = !!frame && frame === event.sender.mainFrame;
  return isAllowedSender(frame?.url, isMain);
}

export function registerIpc(service: DesktopService, getWindow: () => BrowserWindow | null, platform?: PlatformShell): () => void {
  for (const name of DESKTOP_REQUEST_NAMES) {
    ipcMain.handle(requestChannel(name), async (event: IpcMainInvokeEvent, raw: unknown): Promise<Result<unknown>> => {
      if (!fromOurPage(event)) return FORBIDDEN;
      return dispatchRequest((n, req) => service.handle(n, req), name, raw);
    });
  }
  const platformNames = platform ? PLATFORM_REQUEST_NAMES : [];
  for (const name of platformNames) {
    ipcMain.handle(requestChannel(name), async (event: IpcMainInvokeEvent, raw: unknown): Promise<Result<unknown>> => {
      if (!fromOurPage(event)) return FORBIDDEN;
      return dispatchPlatform(platform!, name, raw);
    });
  }
  const unsubscribe = (Object.keys(DesktopEvents) as DesktopEventName[]).map((event) =>
    service.on(event, (payload) => {
      const win = getWindow();
      if (win && !win.isDestroyed()) win.webContents.send(eventChannel(event), payload);
    }));
  return () => {
    for (const name of [...DESKTOP_REQUEST_NAMES, ...platformNames]) ipcMain.removeHandler(requestChannel(name));
    for (const u of unsubscribe) u();
  };
}
