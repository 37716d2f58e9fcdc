256 SHA256:PPrgbiD4nnhX1ZbjjeJIfq5SgqkmRKlDXCK+tuoavZI ecdsa256@crateforge.test (ECDSA)
