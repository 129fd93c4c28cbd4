def text(response) -> str:
    return response.content.decode()
