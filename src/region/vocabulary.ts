/**
 * The words of Chinese administrative naming that the region stage reads names with: how a body's name
 * ends (its organ), how a place's name ends, and the dataset's stand-ins for "no prefecture". Data, not
 * logic: no place is named here — the places themselves come from the division dataset (divisions.ts).
 */

/**
 * Organs that *are* a place's government, each with the form a body key uses: `洪泽区政府` and
 * `洪泽区人民政府` are one body, as are `…管理委员会` and `…管委会`. Longest first, so a suffix is taken whole.
 */
export const GOVERNING_ORGANS: readonly (readonly [printed: string, canonical: string])[] = [
  ['街道办事处', '办事处'],
  ['管理委员会', '管委会'],
  ['人民政府', '人民政府'],
  ['行政公署', '行政公署'],
  ['街道办', '办事处'],
  ['办事处', '办事处'],
  ['管委会', '管委会'],
  ['政府', '人民政府'],
];

/** A department's name that starts with its government's organ in the short form (`政府办公室`) is folded to the long one. */
export const ORGAN_FOLDS: readonly (readonly [short: string, long: string])[] = [['政府', '人民政府']];

/** How a place's name ends: what is left of a name once its organ is cut off names a place if it ends so. */
export const PLACE_SUFFIX = /(省|市|自治区|州|地区|盟|县|区|旗|乡|镇|街道|苏木)$/;

/** Endings of a province's full name that its short name drops (`宁夏回族自治区` → `宁夏`, `河南省` → `河南`). */
export const PROVINCE_NAME_ENDINGS = /(壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区|省|市)$/;

/** Ending of a prefecture-level city's name that prose often drops (`银川市` → `银川`). */
export const CITY_NAME_ENDING = /市$/;

/**
 * Names the dataset gives a level that has no real division there (the districts of a municipality sit under
 * `市辖区`; counties governed by the province directly under `省直辖县级行政区划`): never matched, never shown.
 */
export const PLACEHOLDER_NAMES: ReadonlySet<string> = new Set(['市辖区', '县', '省直辖县级行政区划', '自治区直辖县级行政区划']);
