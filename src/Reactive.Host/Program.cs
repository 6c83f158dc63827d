Console.WriteLine("reactive: skeleton");
