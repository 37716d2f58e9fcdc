384 SHA256:tOCcgQBYi/fGs5EpfIkbomUQg07UO1xBO5GAjZn570c ecdsa384@crateforge.test (ECDSA)
