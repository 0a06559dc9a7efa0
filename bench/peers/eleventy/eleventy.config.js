// Eleventy's side of `python bench/bench_build.py --peers`. The bench copies this file and
// content/ over a fresh copy of the corpus (content/briefs/*.md, our YAML front matter as-is)
// and runs Eleventy 3 from the site's folder with this config.
//
// The output mirrors what sitegen makes of the same briefs, as far as Eleventy does it out of
// the box: a page per brief (title, date, source, TL;DR, body, tags), the home page and the tag
// pages paginated 20 a page like sitegen's per_page, an index of tags, and RSS feeds for the site
// and for each tag, 50 items like sitegen's feeds. Eleventy has no related content; the brief
// pages do without.

const PER_PAGE = 20;
const FEED_ITEMS = 50;
const BRIEFS = "./content/briefs/*.md";

module.exports = function (eleventyConfig) {
  // Eleventy builds a collection per tag from each brief's `tags:`; these read them.
  const newestFirst = (items) => items.slice().reverse(); // collections are sorted oldest first

  eleventyConfig.addCollection("briefsNewest", (api) => newestFirst(api.getFilteredByGlob(BRIEFS)));

  eleventyConfig.addCollection("tagNames", (api) => {
    const names = new Set();
    for (const item of api.getFilteredByGlob(BRIEFS)) for (const tag of item.data.tags || []) names.add(tag);
    return [...names].sort();
  });

  // One entry per page of a tag's list: Eleventy paginates one level, so the pages of every
  // tag are laid out here and tag-pages.njk paginates over them one at a time.
  eleventyConfig.addCollection("tagPages", (api) => {
    const pages = [];
    const names = new Set();
    for (const item of api.getFilteredByGlob(BRIEFS)) for (const tag of item.data.tags || []) names.add(tag);
    for (const tag of [...names].sort()) {
      const items = newestFirst(api.getFilteredByTag(tag));
      const total = Math.ceil(items.length / PER_PAGE);
      for (let i = 0; i < total; i++) {
        pages.push({ tag, count: items.length, number: i + 1, total, items: items.slice(i * PER_PAGE, (i + 1) * PER_PAGE) });
      }
    }
    return pages;
  });

  eleventyConfig.addFilter("newestFirst", newestFirst);
  eleventyConfig.addFilter("feedItems", (items) => newestFirst(items).slice(0, FEED_ITEMS));
  eleventyConfig.addFilter("isoDate", (date) => date.toISOString());
  eleventyConfig.addFilter("rfc822", (date) => date.toUTCString());
  // "13 January 2026", in UTC: written out, as Intl's toLocaleDateString costs ~0.2 ms a call
  const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December"];
  eleventyConfig.addFilter("readableDate", (date) =>
    `${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()}`);

  return {
    dir: { input: "content", includes: "_includes", data: "_data" },
    templateFormats: ["md", "njk"],
    // The briefs are Markdown, not templates: no Liquid pass over 10,000 bodies (sitegen and
    // Hugo do not run one either).
    markdownTemplateEngine: false,
    htmlTemplateEngine: "njk",
  };
};
