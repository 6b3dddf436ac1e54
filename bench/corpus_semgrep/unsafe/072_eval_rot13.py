import codecs
eval(codecs.decode("bf.flfgrz('vq')", "rot13"))  # <-
