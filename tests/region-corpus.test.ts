/**
 * Invented places never get a real code. The generated corpus puts real townships' names under real counties
 * at random (most pairs do not exist); and names made up here from place-name characters (checked absent
 * from the dataset) stand alone or under a real county. Each must come out empty with a finding, or with the
 * code of the real parent its name gives and `meta/unknown-region` — never a code of its own.
 */
import { describe, expect, it } from 'vitest';
import { measureRegions } from '../scripts/bench/region-accuracy.js';
import { rng } from '../scripts/generate/corpus.js';
import { divisionIndex, mentionNames, regionCode } from '../src/region/divisions.js';
import { linkRegion } from '../src/stages/region.js';

const index = divisionIndex();
const byRegionCode = new Map([...index.all()].map((d) => [regionCode(d), d]));

describe('generated corpus', () => {
  it('links every real place to its code, and every invented township to its real county only, with a finding', async () => {
    const cases = await measureRegions(1, 400);
    expect(cases.filter((c) => c.outcome === 'wrong')).toEqual([]);
    const invented = cases.filter((c) => c.invented);
    const realTownships = cases.filter((c) => !c.invented && c.expected?.length === 9);
    // The corpus has both kinds (the test would prove nothing otherwise).
    expect(invented.length).toBeGreaterThan(100);
    expect(realTownships.length).toBeGreaterThan(5);
    for (const c of invented) {
      expect(c.got, c.agency).toHaveLength(6);
      expect(c.rules, c.agency).toContain('meta/unknown-region');
    }
  });
});

describe('made-up names', () => {
  const CHARS = '青山河东西南北安宁平和新兴华阳云龙泉江湖桥石林金银花柳溪沙坪岭丰乐永福寿长';
  const r = rng(20240614);
  const word = (): string => Array.from({ length: 2 }, () => CHARS[Math.floor(r() * CHARS.length)]!).join('');
  /** A made-up name with the suffix, absent from the dataset under any level. */
  const invent = (suffix: string): string => {
    for (;;) {
      const name = word() + suffix;
      if (index.named(name).length === 0) return name;
    }
  };
  const counties = ['中宁县', '兴庆区', '睢县', '南乐县', '贺兰县'];

  it('get no code of their own: empty, or the real parent their name gives, always with a finding', () => {
    let parentLinked = 0;
    for (let i = 0; i < 600; i++) {
      const town = invent(['乡', '镇', '街道'][i % 3]!);
      const county = i % 2 === 0 ? invent(['县', '区', '市'][i % 3]!) : counties[i % counties.length]!;
      const agency = `${county}${town}${i % 4 === 0 ? '' : '人民政府'}`;
      const result = linkRegion({ agency, title: `${agency}2023年政府信息公开工作年度报告`, publisher: null, text: () => `${agency}认真贯彻落实《条例》。` }, index);
      const rules = result.findings.map((f) => f.rule);
      expect(rules.some((rule) => rule === 'meta/unknown-region' || rule === 'meta/ambiguous-region'), agency).toBe(true);
      const code = result.region?.code ?? null;
      if (code === null) continue;
      // A code is only ever that of a real place the name itself gives, above the invented township.
      const division = byRegionCode.get(code);
      expect(division, `${agency} → ${code}`).toBeDefined();
      expect(division!.level, agency).not.toBe('township');
      expect(mentionNames(division!).some((n) => agency.includes(n)), `${agency} → ${code}`).toBe(true);
      parentLinked++;
    }
    // Half the names stand under a real county: those keep the county.
    expect(parentLinked).toBeGreaterThanOrEqual(300);
  });
});
