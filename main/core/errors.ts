/** An error the transports hand to the renderer as `{ok:false, error:{code, message}}`. */
export class CoreError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = 'CoreError';
  }
}
