--[[
corpus.stopwords -- the stop-word lists of `stop = "english"`.

Written for this project (docs/STATS.md, "Stop words"): the closed
classes of English grammar and nothing else -- articles and
determiners, personal, possessive, reflexive, demonstrative, relative
and interrogative pronouns, the common prepositions and conjunctions,
the forms of the auxiliaries be / have / do and the modals, negation,
their contractions as the tokenizer keeps them ("don't", "it's"), and a
few grammatical adverbs (not, also, so, then, there, very ...).  No
content word is in it: "government", "people", "said", "new", "year"
and the like stay, since they carry the topics an analyst looks for.
Lower case, in the norm form (apostrophe U+0027).
]]
return {
  english = {
    -- articles, determiners, quantifiers
    "a", "an", "the", "this", "that", "these", "those", "some", "any", "no",
    "every", "each", "either", "neither", "all", "both", "few", "many", "much",
    "more", "most", "other", "another", "such", "own", "same", "several",
    -- personal, possessive and reflexive pronouns
    "i", "me", "my", "mine", "myself", "we", "us", "our", "ours", "ourselves",
    "you", "your", "yours", "yourself", "yourselves", "he", "him", "his",
    "himself", "she", "her", "hers", "herself", "it", "its", "itself", "they",
    "them", "their", "theirs", "themselves", "one",
    -- relative and interrogative pronouns and adverbs
    "who", "whom", "whose", "which", "what", "whatever", "whichever", "whoever",
    "when", "where", "why", "how", "whether",
    -- prepositions
    "about", "above", "across", "after", "against", "along", "among", "around",
    "as", "at", "before", "behind", "below", "beneath", "beside", "between",
    "beyond", "by", "despite", "down", "during", "except", "for", "from", "in",
    "inside", "into", "like", "near", "of", "off", "on", "onto", "out",
    "outside", "over", "past", "since", "through", "throughout", "till", "to",
    "toward", "towards", "under", "underneath", "until", "up", "upon", "via",
    "with", "within", "without",
    -- conjunctions
    "and", "or", "but", "nor", "if", "because", "although", "though", "while",
    "whereas", "unless", "than", "so", "yet", "once",
    -- auxiliaries and modals
    "be", "am", "is", "are", "was", "were", "been", "being", "have", "has",
    "had", "having", "do", "does", "did", "doing", "done", "will", "would",
    "shall", "should", "can", "could", "may", "might", "must", "ought",
    -- negation and contractions
    "not", "n't", "don't", "doesn't", "didn't", "isn't", "aren't", "wasn't",
    "weren't", "hasn't", "haven't", "hadn't", "won't", "wouldn't", "can't",
    "cannot", "couldn't", "shouldn't", "mustn't", "it's", "i'm", "i've",
    "i'll", "i'd", "we're", "we've", "we'll", "we'd", "you're", "you've",
    "you'll", "you'd", "he's", "she's", "they're", "they've", "they'll",
    "they'd", "that's", "there's", "what's", "let's", "'s",
    -- grammatical adverbs
    "also", "then", "there", "here", "very", "too", "just", "only", "even",
    "again", "ever", "never", "now", "still", "already", "however", "thus",
    "therefore", "indeed", "rather", "quite", "perhaps",
  },
}
