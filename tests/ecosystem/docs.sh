eco_docs_tests() { :; }
