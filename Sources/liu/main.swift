print("liu")
