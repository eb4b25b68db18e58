/**
 * Electron IPC adapter: one ipcMain.handle per contract request, channel `tend:<name>`.
 * Each handler checks the sender frame, parses with the contract and answers a Result.
 * Core events go to the window as `tend:event:<name>`.
 */
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { DESKTOP_REQUEST_NAMES, DesktopEvents, type DesktopEventName, type Result } from '../../shared/contract/desktop';
import { dispatchRequest } from '../../shared/contract/dispatch';
import type { DesktopService } from '../core/service';
import { isAllowedSender } from './security';

export const requestChannel = (name: string) => `tend:${name}`;
export const eventChannel = (name: string) => `tend:event:${name}`;

export function registerIpc(service: DesktopService, getWindow: () => BrowserWindow | null): () => void {
  for (const name of DESKTOP_REQUEST_NAMES) {
    ipcMain.handle(requestChannel(name), async (event: IpcMainInvokeEvent, raw: unknown): Promise<Result<unknown>> => {
      const frame = event.senderFrame;
      const isMain = !!frame && frame === event.sender.mainFrame;
      if (!isAllowedSender(frame?.url, isMain)) {
        return { ok: false, error: { code: 'forbidden_sender', message: 'request from an unexpected frame' } };
      }
      return dispatchRequest((n, req) => service.handle(n, req), name, raw);
    });
  }
  const unsubscribe = (Object.keys(DesktopEvents) as DesktopEventName[]).map((event) =>
    service.on(event, (payload) => {
      const win = getWindow();
      if (win && !win.isDestroyed()) win.webContents.send(eventChannel(event), payload);
    }));
  return () => {
    for (const name of DESKTOP_REQUEST_NAMES) ipcMain.removeHandler(requestChannel(name));
    for (const u of unsubscribe) u();
  };
}
