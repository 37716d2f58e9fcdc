521 SHA256:bqlrLKlt2TiqIfVWL7E5ZZ6+awEbVjUdTEgdU0jLxDM ecdsa521@crateforge.test (ECDSA)
