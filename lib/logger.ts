import winston from 'winston';

export type Logger = winston.Logger;

export interface LoggerOptions {
  level?: string;
  /** `json` (JSON lines, production) or `pretty` (readable, development). */
  format?: 'json' | 'pretty';
  /** Silence output entirely (tests). */
  silent?: boolean;
}

/** The root logger. Components take `log.child({ component: 'crawler' })`. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const format =
    options.format === 'pretty'
      ? winston.format.combine(
          winston.format.timestamp({ format: 'HH:mm:ss' }),
          winston.format.colorize(),
          winston.format.printf(({ level, message, timestamp, component, ...rest }) => {
            const extra = Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest)}` : '';
            const prefix = component ? `[${String(component)}] ` : '';
            return `${String(timestamp)} ${level} ${prefix}${String(message)}${extra}`;
          }),
        )
      : winston.format.combine(winston.format.timestamp(), winston.format.errors({ stack: false }), winston.format.json());
  return winston.createLogger({
    level: options.level ?? process.env.LOG_LEVEL ?? 'info',
    format,
    silent: options.silent ?? false,
    transports: [new winston.transports.Console({ stderrLevels: ['error', 'warn', 'info', 'debug', 'verbose', 'silly'] })],
  });
}

/** A logger that drops everything, for tests. */
export function silentLogger(): Logger {
  return createLogger({ silent: true });
}
