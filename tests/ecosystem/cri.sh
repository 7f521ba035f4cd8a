eco_cri_tests() { :; }
