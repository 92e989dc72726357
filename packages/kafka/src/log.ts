/** The logging surface the bus needs; a pino logger satisfies it. */
export interface BusLog {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export const silentLog: BusLog = { debug() {}, info() {}, warn() {}, error() {} };
