/** Date part of an ISO date or date-time, so inclusive date bounds compare days. */
export const day = (value: string): string => value.slice(0, 10);
