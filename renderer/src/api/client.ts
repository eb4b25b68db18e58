/** Typed calls over the transport: resolves with the value, throws an ApiError otherwise. */
import type { DesktopRequest, DesktopRequestName, DesktopResponse } from '../../../shared/contract/desktop';
import { createTransport, type Transport } from './transport';

export class ApiError extends Error {
  constructor(readonly code: string, message: string) { super(message); }
}

export const transport: Transport = createTransport();

export async function call<N extends DesktopRequestName>(name: N, req: DesktopRequest<N>): Promise<DesktopResponse<N>> {
  const result = await transport.invoke(name, req);
  if (!result.ok) throw new ApiError(result.error.code, result.error.message);
  return result.value as DesktopResponse<N>;
}
