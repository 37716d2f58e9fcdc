4096 SHA256:GVCT1+blQOf6L7Y+ktIA/rbOGO2Ww46rtxQ51EwHtdA rsa4096@crateforge.test (RSA)
