/** CPU time of this process (user and system, all its threads) for the measuring scripts. */

/** Milliseconds of CPU this process has used since `start` (a `process.cpuUsage()` reading). */
export function cpuMsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}
