/**
 * The field names a web archive's crawler writes before a page's text (`标题: …`, `发布时间: …`): read as a
 * header by the text extractor (src/extract/text/crawl-header.ts), and taken off a title line by the meta
 * stage wherever such a line is left in the text (a page that prints its own "标题：" field).
 */

/** The fields of a crawl header, by meaning. */
export type HeaderField = 'title' | 'published' | 'publisher' | 'url';

/** The words crawlers use for each field (Chinese and English), compared without case or spaces. */
export const FIELD_WORDS: Record<HeaderField, readonly string[]> = {
  title: ['标题', '题目', '文章标题', '页面标题', 'title'],
  published: ['发布时间', '发布日期', '发文日期', '成文日期', '日期', '时间', 'date', 'published', 'publishdate', 'pubdate'],
  publisher: ['发布机构', '发布单位', '发文机关', '发文机构', '来源', '信息来源', '来源单位', 'publisher', 'source', 'author'],
  url: ['原文链接', '原文地址', '原始链接', '链接', '网址', '页面地址', 'url', 'link', 'sourceurl'],
};

/** "标题: " (or another crawler's word for a title) at the start of a line. */
const TITLE_FIELD = new RegExp(`^\\s*(?:${FIELD_WORDS.title.join('|')})\\s*[:：]\\s*`, 'i');

/** A line without the title field's name a crawler put before it: "标题: 某某2022年…报告" → "某某2022年…报告". */
export function withoutTitleField(line: string): string {
  return line.replace(TITLE_FIELD, '');
}
