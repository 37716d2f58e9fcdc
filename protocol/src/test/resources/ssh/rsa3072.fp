3072 SHA256:+lsFy+7LTx9GQi3jHhlEqsEerpen32q2rQS0htqvmqk rsa3072@crateforge.test (RSA)
