/** The regions Tablecast is deployed in. One build serves every region; `REGION` picks a row. */
export const REGIONS = {
  'us-east-1': { label: 'US' },
  'ap-southeast-2': { label: 'South East' },
  'eu-central-1': { label: 'Europe' },
} as const;

export type RegionCode = keyof typeof REGIONS;

export const REGION_CODES = Object.keys(REGIONS) as RegionCode[];

export function isRegionCode(value: unknown): value is RegionCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(REGIONS, value);
}
