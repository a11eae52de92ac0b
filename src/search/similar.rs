//! Articles like a given one: More Like This over its language's text, without the article
//! and its story's copies, folded by story.

use std::collections::HashMap;
use std::time::Instant;

use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::Term;

use super::engine::Engine;
use super::facets::FacetCounts;
use super::ranking::{Folded, RankedPage, Ranking};
use super::{Expansions, Hits, SearchOptions};
use crate::error::Result;

impl Engine {
    /// Articles most like the one named by `id_or_path` (More Like This over its language's
    /// text: its most telling terms, weighted by tf-idf), without itself and its story's copies,
    /// folded by story.
    pub fn similar(&self, id_or_path: &str, limit: usize) -> Result<Hits> {
        let started = Instant::now();
        let article = self.get(id_or_path)?;
        let searcher = self.inner.reader.searcher();
        let own = TermQuery::new(
            Term::from_field_text(self.inner.fields.id, &article.id),
            IndexRecordOption::Basic,
        );
        let story = match searcher
            .search(&own, &TopDocs::with_limit(1).order_by_score())?
            .first()
        {
            Some((_, addr)) => {
                let segment = searcher.segment_reader(addr.segment_ord);
                let column = segment
                    .fast_fields()
                    .u64(&self.field_name(self.inner.fields.story))?;
                column.first(addr.doc_id)
            }
            None => None,
        };
        let text = format!("{}\n\n{}\n\n{}", article.title, article.lede, article.body);
        // The field's tokenizer reads text analysed for the index (`schema::tokens`).
        let analyzer = crate::schema::analysis::analyzer_for_lang(&article.lang);
        let text = crate::schema::tokens::Analyser::new(analyzer).analyse(&text);
        let field = self.inner.fields.for_lang(&article.lang).text;
        let docs = searcher.num_docs();
        let like = tantivy::query::MoreLikeThisQuery::builder()
            .with_min_doc_frequency(2)
            .with_max_doc_frequency((docs / 4).max(2))
            .with_min_term_frequency(2)
            .with_min_word_length(3)
            .with_max_query_terms(30)
            .with_document_fields(vec![(field, vec![tantivy::schema::OwnedValue::Str(text)])]);
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![
            (Occur::Must, Box::new(like)),
            (Occur::MustNot, Box::new(own)),
        ];
        if let Some(story) = story {
            let term = Term::from_field_u64(self.inner.fields.story, story);
            clauses.push((
                Occur::MustNot,
                Box::new(TermQuery::new(term, IndexRecordOption::Basic)),
            ));
        }
        let query = BooleanQuery::new(clauses);
        let limit = limit.min(docs as usize).max(1);
        let RankedPage {
            hits: ranked,
            total,
            ..
        } = self.ranked(&searcher, &query, Ranking::Score, limit * 3 + 10, 0, None)?;
        let page: Vec<Folded> = self
            .group_by_story(&searcher, &ranked)?
            .into_iter()
            .take(limit)
            .collect();
        let options = SearchOptions::new(format!("similar to {}", article.id));
        let hits = self.hits(
            &searcher,
            page,
            &HashMap::new(),
            &Default::default(),
            &options,
        )?;
        Ok(Hits {
            query: options.query,
            total,
            offset: 0,
            limit,
            took_ms: started.elapsed().as_secs_f64() * 1000.0,
            hits,
            facets: FacetCounts::new(),
            expanded: Expansions::default(),
        })
    }
}
