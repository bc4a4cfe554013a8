// What the evidence's labels mean, in the analyst's words: epistemic statuses, claim stances, claim kinds,
// and ACLED's precision codes. Shown on hover (title) and in the panel's "What the labels mean" list.

export const STATUS_MEANING = {
  asserted: 'stated as fact in the outlet’s own voice, no source named',
  reported: 'told as fact, on a source’s word (“X said”)',
  alleged: 'an accusation by a source, not shown to be so',
  hedged: 'told with a hedge: “may have”, “reportedly”',
  unconfirmed: 'said to be unconfirmed, or only doubted',
  disputed: 'one side asserts it, another doubts or denies it',
  denied: 'a source denies it, and none asserts it',
  negated: 'the text says it did not happen, or that it was called off',
  future: 'expected, planned or threatened: not yet happened',
  hypothetical: 'only a condition or a possibility (“if”, “could”)',
};

export const STANCE_VERB = {
  assert: 'asserts', deny: 'denies', doubt: 'doubts', allege: 'alleges', acknowledge: 'acknowledges',
  believe: 'believes', warn: 'warns', predict: 'predicts',
};

export const STANCE_MEANING = {
  assert: 'states that it happened',
  deny: 'says that it did not happen',
  doubt: 'casts doubt on it',
  allege: 'accuses someone of it, without proof shown',
  acknowledge: 'admits or confirms it',
  believe: 'believes or thinks it happened',
  warn: 'warns of it: neither backs nor doubts that it happened',
  predict: 'expects it: neither backs nor doubts that it happened',
};

export const KIND_MEANING = {
  direct: 'direct: every word of the claim is quoted',
  indirect: 'indirect: the outlet’s paraphrase of what the source said, nothing quoted',
  mixed: 'mixed: partly quoted, partly the outlet’s paraphrase',
  according_to: '“according to”: the outlet reports it on the source’s word',
};

export const SIDE_MEANING = {
  contradicting: 'sources that doubt or deny it (a source that also asserts it is counted here)',
  supporting: 'sources that assert, acknowledge, allege or believe it',
  other: 'sources that only warn of it or predict it',
};

// ACLED's codebook: geo_precision and time_precision.
export const GEO_PRECISION = {
  1: ['town', 'the town or site itself'],
  2: ['near / district', 'near a town, or a district or local feature'],
  3: ['region / country', 'only the region (admin-1) or the country is known'],
};
export const TIME_PRECISION = {
  1: ['day', 'the day is known'],
  2: ['week', 'a week or a few days'],
  3: ['month or vaguer', 'a month, or vaguer'],
};

export const FACTUALITY_MEANING = 'how sure the reports are that it happened, on FactBank’s scale: '
  + '−3 certainly not, 0 uncommitted, +3 certainly so';
