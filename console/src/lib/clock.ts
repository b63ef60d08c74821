/**
 * The one place the console reads the wall clock: token expiry and the "now" of charts. Everything
 * the rules decide comes from the server's clock; this one only draws and times out.
 */
export function nowMs(): number {
  return Date.now();
}

export const MS_PER_HOUR = 3_600_000;
export const MS_PER_DAY = 86_400_000;
