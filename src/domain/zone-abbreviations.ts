/**
 * Time-zone abbreviations people type for `/papers digest timezone`, and the IANA zones they usually mean. An
 * abbreviation is refused: some are legacy zone names that runtimes accept with the wrong rules (`EST` resolves to
 * America/Panama, which has no daylight saving), and many are ambiguous (`IST`: India, Ireland or Israel; `CST`:
 * US Central or China).
 */
const ZONES_BY_ABBREVIATION: Readonly<Record<string, readonly string[]>> = {
  ET: ['America/New_York', 'America/Toronto', 'America/Detroit'],
  EST: ['America/New_York', 'America/Toronto', 'America/Detroit'],
  EDT: ['America/New_York', 'America/Toronto', 'America/Detroit'],
  CT: ['America/Chicago', 'America/Winnipeg', 'America/Mexico_City'],
  CST: ['America/Chicago', 'America/Mexico_City', 'Asia/Shanghai'],
  CDT: ['America/Chicago', 'America/Winnipeg', 'America/Mexico_City'],
  MT: ['America/Denver', 'America/Edmonton', 'America/Phoenix'],
  MST: ['America/Denver', 'America/Edmonton', 'America/Phoenix'],
  MDT: ['America/Denver', 'America/Edmonton', 'America/Boise'],
  PT: ['America/Los_Angeles', 'America/Vancouver', 'America/Tijuana'],
  PST: ['America/Los_Angeles', 'America/Vancouver', 'America/Tijuana'],
  PDT: ['America/Los_Angeles', 'America/Vancouver', 'America/Tijuana'],
  AKST: ['America/Anchorage'],
  AKDT: ['America/Anchorage'],
  HST: ['Pacific/Honolulu'],
  AST: ['America/Halifax', 'America/Puerto_Rico', 'Asia/Riyadh'],
  ADT: ['America/Halifax'],
  NST: ['America/St_Johns'],
  NDT: ['America/St_Johns'],
  GMT: ['UTC', 'Europe/London', 'Europe/Dublin'],
  BST: ['Europe/London'],
  WET: ['Europe/Lisbon', 'Atlantic/Canary'],
  WEST: ['Europe/Lisbon', 'Atlantic/Canary'],
  CET: ['Europe/Paris', 'Europe/Berlin', 'Europe/Madrid'],
  CEST: ['Europe/Paris', 'Europe/Berlin', 'Europe/Madrid'],
  MET: ['Europe/Paris', 'Europe/Berlin', 'Europe/Madrid'],
  MEST: ['Europe/Paris', 'Europe/Berlin', 'Europe/Madrid'],
  EET: ['Europe/Athens', 'Europe/Helsinki', 'Europe/Bucharest'],
  EEST: ['Europe/Athens', 'Europe/Helsinki', 'Europe/Bucharest'],
  MSK: ['Europe/Moscow'],
  IST: ['Asia/Kolkata', 'Europe/Dublin', 'Asia/Jerusalem'],
  PKT: ['Asia/Karachi'],
  ICT: ['Asia/Bangkok', 'Asia/Ho_Chi_Minh'],
  WIB: ['Asia/Jakarta'],
  SGT: ['Asia/Singapore'],
  HKT: ['Asia/Hong_Kong'],
  PHT: ['Asia/Manila'],
  KST: ['Asia/Seoul'],
  JST: ['Asia/Tokyo'],
  AWST: ['Australia/Perth'],
  ACST: ['Australia/Adelaide', 'Australia/Darwin'],
  ACDT: ['Australia/Adelaide'],
  AEST: ['Australia/Sydney', 'Australia/Melbourne', 'Australia/Brisbane'],
  AEDT: ['Australia/Sydney', 'Australia/Melbourne'],
  NZST: ['Pacific/Auckland'],
  NZDT: ['Pacific/Auckland'],
  BRT: ['America/Sao_Paulo'],
  ART: ['America/Argentina/Buenos_Aires'],
  WAT: ['Africa/Lagos'],
  CAT: ['Africa/Maputo', 'Africa/Harare'],
  EAT: ['Africa/Nairobi'],
  SAST: ['Africa/Johannesburg'],
};

/** The IANA zones an abbreviation usually means (`est` → America/New_York…), or undefined when it is not one. */
export function zonesForAbbreviation(text: string): readonly string[] | undefined {
  const key = text.trim().toUpperCase();
  return Object.hasOwn(ZONES_BY_ABBREVIATION, key) ? ZONES_BY_ABBREVIATION[key] : undefined;
}
