//! Validation of signed PDFs as ETSI EN 319 102-1 describes it: facts about every signature and
//! every revision first, then checks, then a verdict a receiving clerk can act on.
